"""The records' listeners: a step or a call's end, as the event says it, queued for the writer."""

from __future__ import annotations

from ..core.events import CallEndEvent, StepEvent, call_sid
from ..core.outcomes import ANSWERS
from .summary import CallEnd, StepRecord
from .writer import RecordWriter, new_record_id

WEBHOOKS = {"ivr.voice": "voice", "ivr.step": "step", "ivr.dialed": "dialed"}


def step_record(event: StepEvent) -> StepRecord | None:
    """What a record keeps of a webhook step; None when it belongs to no call we can name."""
    endpoint = WEBHOOKS.get(event.endpoint)
    sid = call_sid(event.call_sid)
    if endpoint is None or sid is None:
        return None
    step, position = event.step, event.position
    answer = step.outcome in ANSWERS
    return StepRecord(
        call_sid=sid, caller_hash=event.caller, seq=event.seq, at=event.at,
        endpoint=endpoint, menu=position.menu[:64] if position else None,
        key=position.key[:8] if position and position.key else None,
        digits=event.digits if endpoint == "step" else None,
        dial_status=event.dial_status if endpoint == "dialed" else None,
        outcome=str(step.outcome), desk=step.desk,
        desk_closed=None if not answer or step.desk_open is None else not step.desk_open,
        topic=step.topic if answer else None, topic_label=step.topic_label if answer else None,
        closure_day=step.closure_day, announced=step.announced,
        request_id=event.request_id, record_id=new_record_id())


def record_step(writer: RecordWriter, event: StepEvent) -> None:
    """Step listener: queue the step for the records database."""
    record = step_record(event)
    if record is not None:
        writer.submit(record)


def record_end(writer: RecordWriter, event: CallEndEvent) -> None:
    """Call-end listener: queue Twilio's final status for the call's record."""
    writer.submit(CallEnd(call_sid=call_sid(event.call_sid) or event.call_sid, caller_hash=event.caller, at=event.at,
                          call_status=event.status, duration_s=event.duration_s))
