"""Call records: one row per CallSid with its steps, the caller only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text)

CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
DIAL_STATUSES = frozenset({"completed", "answered", "busy", "no-answer", "failed", "canceled"})
TERMINAL = {"answer_heard": "answer_heard", "transferred": "transferred",
            "max_failures": "max_failures", "no_input": "no_input", "error": "error"}
AT_ANSWER = frozenset({"answer", "answer_repeat", "transfer_closed", "transfer_busy",
                       "transfer_no-answer", "transfer_failed", "transfer_canceled"})
ANSWERS = frozenset({"answer", "answer_repeat"})

metadata = MetaData()

calls = Table(
    "calls", metadata,
    Column("call_sid", String(34), primary_key=True),
    Column("caller_hash", String(64), index=True),
    Column("started_at", DateTime(timezone=True), index=True),
    Column("ended_at", DateTime(timezone=True)),
    Column("call_status", String(16)),
    Column("duration_s", Integer),
    Column("steps", Integer, nullable=False, default=0),
    Column("path", Text, nullable=False, default=""),
    Column("topic", String(80)),
    Column("topic_label", String(200)),
    Column("desk", String(64)),
    Column("delivery", String(16)),
    Column("transfer_result", String(16)),
    Column("desk_closed", Boolean),
    Column("end_reason", String(32)),
)

call_steps = Table(
    "call_steps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_sid", String(34), ForeignKey("calls.call_sid", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("seq", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("endpoint", String(16), nullable=False),
    Column("menu", String(64)),
    Column("key", String(8)),
    Column("digits", String(8)),
    Column("dial_status", String(16)),
    Column("outcome", String(32), nullable=False),
    Column("desk", String(64)),
    Column("desk_closed", Boolean),
    Column("topic", String(80)),
    Column("topic_label", String(200)),
    Column("request_id", String(64)),
    Index("ux_call_steps_request", "call_sid", "request_id", unique=True),
)


def caller_hash(key: bytes | None, number: str) -> str | None:
    """HMAC-SHA256 of the caller's number; None without a key (never a plain hash)."""
    if not key or not number:
        return None
    mac = _keyed(key).copy()
    mac.update(number.encode("utf-8"))
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 with the key already set, copied for each number."""
    return hmac.new(key, digestmod=hashlib.sha256)


def clean_digits(value: str | None) -> str | None:
    """Keys as Twilio sends them (0-9 * #), at most 8; anything else dropped."""
    if value is None:
        return None
    return "".join(c for c in value if c in "0123456789*#")[:8]


def utc(moment: datetime) -> datetime:
    """A moment on the UTC clock (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class StepRecord:
    """One answered webhook, reduced to what a record keeps."""

    call_sid: str
    caller_hash: str | None
    seq: int
    at: datetime
    endpoint: str
    menu: str | None
    key: str | None
    digits: str | None
    dial_status: str | None
    outcome: str
    desk: str | None = None
    desk_closed: bool | None = None
    topic: str | None = None
    topic_label: str | None = None
    request_id: str | None = None  # Twilio's I-Twilio-Idempotency-Token: a retry has the same


@dataclass(frozen=True)
class CallEnd:
    """Twilio's status callback: the call is over."""

    call_sid: str
    caller_hash: str | None
    at: datetime
    call_status: str
    duration_s: int | None


def step_token(step: dict) -> str:
    """One step of the path: where the caller was, then what they did."""
    if step["endpoint"] == "voice":
        return "start"
    where = step["menu"] or "?"
    if step["key"]:
        where += "/" + step["key"]
    if step["endpoint"] == "dialed":
        return f"{where}=dial:{step['dial_status'] or '?'}"
    return f"{where}={step['digits'] or '-'}"


def summarize(steps: list[dict], call_status: str | None) -> dict:
    """The record's summary from its steps (in order) and the final CallStatus, if known."""
    summary: dict = {"steps": len(steps), "path": " ".join(step_token(s) for s in steps),
                     "topic": None, "topic_label": None, "desk": None, "delivery": None,
                     "transfer_result": None, "desk_closed": None, "end_reason": None}
    for step in steps:
        outcome = step["outcome"]
        if outcome in ANSWERS:
            summary.update(topic=step["topic"], topic_label=step["topic_label"],
                           desk=step["desk"], desk_closed=step["desk_closed"])
            summary["delivery"] = summary["delivery"] or "read"
        if outcome == "transfer_closed":
            summary["transfer_result"] = summary["transfer_result"] or "closed"
        if outcome == "transfer":
            summary.update(delivery="transferred", transfer_result="unknown")
        if outcome == "transferred":
            summary["transfer_result"] = step["dial_status"] or "completed"
        if outcome.startswith("transfer_") and outcome != "transfer_closed":
            summary["transfer_result"] = outcome.removeprefix("transfer_")
        if outcome in TERMINAL:
            summary["end_reason"] = TERMINAL[outcome]
    if summary["end_reason"] is None and call_status is not None:
        summary["end_reason"] = _hang_up_reason(steps, call_status)
    return summary


def _hang_up_reason(steps: list[dict], call_status: str) -> str:
    if call_status != "completed" or not steps:
        return "not_connected" if not steps else call_status
    last = steps[-1]["outcome"]
    if last in AT_ANSWER:
        return "hung_up_after_answer"
    if last == "transfer":
        return "hung_up_in_transfer"
    return "hung_up_in_menu"
