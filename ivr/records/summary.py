"""What a call record keeps: its steps, its end, and the summary worked out from them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..core.outcomes import ANSWERS, AT_ANSWER, ENDINGS, FAILED_TRANSFERS, Outcome

ENDING_REASONS = frozenset(str(o) for o in ENDINGS)  # the end reasons a step itself gives


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
    record_id: str | None = None  # made when queued: a record replayed from a spool is written once
    closure_day: bool | None = None  # a new call on a day the calendar closes some desk
    announced: bool | None = None  # this step said a dated announcement


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


SUMMARY = ("steps", "path", "topic", "topic_label", "desk", "delivery", "transfer_result",
           "desk_closed", "end_reason", "last_outcome", "closure_day", "announced")


def empty_summary() -> dict:
    """The summary of a call with no steps yet."""
    return dict.fromkeys(SUMMARY) | {"steps": 0, "path": ""}


def add_steps(summary: dict, steps: list[dict], call_status: str | None) -> dict:
    """The summary after `steps` (in order, all later than those already in it) and the final status.

    Only the summary is read, never the earlier steps: writing a step costs the same however
    long the call has been going.
    """
    new = dict(summary)
    terminal = new["end_reason"] if new["end_reason"] in ENDING_REASONS else None
    tokens = [new["path"]] if new["path"] else []
    for step in steps:
        outcome = step["outcome"]
        new["steps"] += 1
        tokens.append(step_token(step))
        new["last_outcome"] = outcome
        if outcome in ANSWERS:
            new.update(topic=step["topic"], topic_label=step["topic_label"],
                       desk=step["desk"], desk_closed=step["desk_closed"])
            new["delivery"] = new["delivery"] or "read"
        if outcome == Outcome.TRANSFER_CLOSED:
            new["transfer_result"] = new["transfer_result"] or "closed"
        if outcome == Outcome.TRANSFER:
            new.update(delivery="transferred", transfer_result="unknown")
        if outcome == Outcome.TRANSFERRED:
            new["transfer_result"] = step["dial_status"] or "completed"
        if outcome in FAILED_TRANSFERS:
            new["transfer_result"] = outcome.removeprefix("transfer_")
        if outcome in ENDINGS:
            terminal = str(outcome)
    new["closure_day"] = bool(new["closure_day"]) or any(s.get("closure_day") for s in steps)
    new["announced"] = bool(new["announced"]) or any(s.get("announced") for s in steps)
    new["path"] = " ".join(tokens)
    new["end_reason"] = terminal
    if terminal is None and call_status is not None:
        new["end_reason"] = _hang_up_reason(new["steps"], new["last_outcome"], call_status)
    return new


def summarize(steps: list[dict], call_status: str | None) -> dict:
    """The record's summary from its steps (in order) and the final CallStatus, if known."""
    return add_steps(empty_summary(), steps, call_status)


def _hang_up_reason(steps: int, last: str | None, call_status: str) -> str:
    if call_status != "completed" or not steps:
        return "not_connected" if not steps else call_status
    if last in AT_ANSWER:
        return "hung_up_after_answer"
    if last == Outcome.TRANSFER:
        return "hung_up_in_transfer"
    return "hung_up_in_menu"
