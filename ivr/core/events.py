"""One event per request, built once by the web layer; every listener (records, metrics, logs)
reads it and works nothing out again: no clock, no hashing, no cleaning of Twilio's fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .steps import Position, Step

CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")  # the shape Twilio's API takes (its OpenAPI pattern)
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
DIAL_STATUSES = frozenset({"completed", "answered", "busy", "no-answer", "failed", "canceled"})
KEYS = frozenset("0123456789*#")


SPOKEN = "say"  # in place of keys: the caller spoke (the words themselves are never kept)


def call_sid(value: str | None) -> str | None:
    """Twilio's CallSid as one call: CA and 32 hex digits, the hex in lower case as Twilio writes
    it, so that a CallSid in other letter case is the same call; None if it is not a CallSid."""
    if not value or not CALL_SID.fullmatch(value):
        return None
    return "CA" + value[2:].lower()


def clean_digits(value: str | None) -> str | None:
    """Keys as Twilio sends them (0-9 * #), at most 8, anything else dropped; or `say`."""
    if value is None:
        return None
    if value == SPOKEN:
        return SPOKEN
    return "".join(c for c in value if c in KEYS)[:8]


def dial_status(value: str | None) -> str | None:
    """Twilio's DialCallStatus if it is one Twilio sends, else None."""
    return value if value in DIAL_STATUSES else None


@dataclass(frozen=True, slots=True)
class StepEvent:
    """One answered webhook: what the caller sent, where they were, and the step they got."""

    at: datetime  # the moment the flow was asked about (the request's one clock read)
    seq: int  # wall-clock nanoseconds at the request: orders a call's steps across workers
    call_sid: str
    caller: str | None  # the keyed hash of the caller's number; None without a key
    endpoint: str  # ivr.voice, ivr.step or ivr.dialed
    position: Position | None  # where the caller was (None for a new call or a lost position)
    digits: str | None  # the keys pressed, cleaned; None when the request had no Digits
    dial_status: str | None  # how a transfer ended, if Twilio said so in a way it documents
    request_id: str | None  # I-Twilio-Idempotency-Token: a retried webhook has the same
    served: bool  # the request came through an HTTP server (not the in-process phone)
    step: Step
    seconds: float  # from the request's arrival to its TwiML


@dataclass(frozen=True, slots=True)
class CallEndEvent:
    """Twilio's status callback with a final CallStatus: the call is over."""

    at: datetime
    call_sid: str
    caller: str | None
    status: str
    duration_s: int | None
    served: bool
