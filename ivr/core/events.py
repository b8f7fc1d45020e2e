"""One event per request, made once by the call's use case (`ivr.calls`) and published on the
bus (`bus.py`); every handler (records, metrics, logs) reads its fields and works nothing out
again: no clock, no hashing, no cleaning or cutting of Twilio's fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .outcomes import ANSWERS, Outcome
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


WEBHOOKS = {"ivr.voice": "voice", "ivr.step": "step", "ivr.dialed": "dialed"}  # as records name them
MAX_MENU, MAX_KEY, MAX_HEARD, MAX_REQUEST_ID = 64, 8, 80, 64  # characters an event keeps of each


@dataclass(frozen=True, slots=True)
class StepEvent:
    """One answered webhook: what the caller sent, where they were, and what the step did.

    Its values are final, cleaned and cut to size where it is made (`step_event`): the records,
    the metrics and the step line each copy the fields they keep and work nothing out again.
    """

    at: datetime  # the moment the flow was asked about (the request's one clock read)
    seq: int  # wall-clock nanoseconds at the request: orders a call's steps across workers
    call_sid: str | None  # Twilio's CallSid as one call (`call_sid`); None if the request had none
    caller: str | None  # the keyed hash of the caller's number; None without a key
    endpoint: str  # ivr.voice, ivr.step or ivr.dialed (or where a fault was answered)
    webhook: str | None  # voice, step or dialed, as the records name it; None for any other endpoint
    menu: str | None  # the menu the caller was at (None for a new call or a lost position)
    key: str | None  # the option of that menu whose answer the caller was at, if any
    digits: str | None  # at the step webhook: the keys pressed, cleaned, or `say`; None if none
    chosen: str | None  # the keys (or `say`) that chose one of the menu's options: a submenu or an answer
    dial_status: str | None  # at the dialed webhook: how a transfer ended, if Twilio said so in a way it documents
    outcome: Outcome
    desk: str | None
    topic: str | None  # menu/key of the desk's topic, at a desk's answer, transfer or text message
    topic_label: str | None
    desk_open: bool | None  # whether that desk was open (None when its hours are not known)
    answered: bool  # the step read out a desk's answer
    closure_day: bool  # a new call on a day the calendar closes some desk
    announced: bool  # a dated announcement was said
    heard: str | None  # for spoken words: the topic understood, or not_understood (never the words)
    request_id: str | None  # I-Twilio-Idempotency-Token: a retried webhook has the same
    served: bool  # the request came through an HTTP server (not the in-process phone)
    seconds: float  # from the request's arrival to its TwiML


def step_event(step: Step, position: Position | None, *, at: datetime, seq: int, call: str | None,
               caller: str | None, endpoint: str, digits: str | None, dial: str | None,
               request_id: str | None, served: bool, seconds: float) -> StepEvent:
    """The event for a step answered at `position`, from Twilio's fields as sent (`call`: CallSid,
    `digits`: Digits, `dial`: DialCallStatus, `request_id`: the idempotency token)."""
    webhook = WEBHOOKS.get(endpoint)
    keys = None
    if webhook == "step":
        # Spoken words are never passed on (they may hold personal details): only that the caller
        # spoke, and the topic understood, which the step carries.
        keys = SPOKEN if step.heard is not None else (clean_digits(digits) or None)
    at_menu = position is not None and position.key is None and position.ask is None
    return StepEvent(
        at=at, seq=seq, call_sid=call_sid(call), caller=caller, endpoint=endpoint, webhook=webhook,
        menu=position.menu[:MAX_MENU] if position else None,
        key=position.key[:MAX_KEY] if position and position.key else None,
        digits=keys,
        # At a question asked at a menu, 1 and 2 choose between topics: not the menu's keys.
        chosen=keys if at_menu and step.outcome in (Outcome.MENU, Outcome.ANSWER) else None,
        dial_status=dial_status(dial) if webhook == "dialed" else None,
        outcome=step.outcome, desk=step.desk, topic=step.topic, topic_label=step.topic_label,
        desk_open=step.desk_open, answered=step.outcome in ANSWERS, closure_day=step.closure_day,
        announced=step.announced, heard=step.heard[:MAX_HEARD] if step.heard is not None else None,
        request_id=(request_id or "")[:MAX_REQUEST_ID] or None, served=served, seconds=seconds,
    )


@dataclass(frozen=True, slots=True)
class CallEndEvent:
    """Twilio's status callback with a final CallStatus: the call is over."""

    at: datetime
    call_sid: str  # as one call (`call_sid`)
    caller: str | None
    status: str
    duration_s: int | None
    served: bool


@dataclass(frozen=True, slots=True)
class ReloadRefused:
    """An edited routes file (or a published version) that was refused: older routes still serve."""

    at: datetime
    error: str  # the problems, the file named but not where it lives
    problems: tuple = ()  # the RoutesError's problems, to be said in the operators' language


@dataclass(frozen=True, slots=True)
class ReloadAccepted:
    """The line serves the routes it read last: no refusal stands."""
