"""The records' handlers: a step or a call's end, as the event says it, queued for the writer;
and the writer the settings ask for, with its handlers on the bus."""

from __future__ import annotations

import logging
from functools import partial

from ..core.bus import Bus
from ..core.events import CallEndEvent, StepEvent
from .summary import CallEnd, StepRecord
from .writer import RecordWriter, new_record_id

log = logging.getLogger("ivr")


def step_record(event: StepEvent) -> StepRecord | None:
    """What a record keeps of a webhook step; None when it belongs to no call we can name.

    A step's topic and whether its desk was closed are kept at a desk's answer only."""
    if event.webhook is None or event.call_sid is None:
        return None
    answered = event.answered
    return StepRecord(
        call_sid=event.call_sid, caller_hash=event.caller, seq=event.seq, at=event.at,
        endpoint=event.webhook, menu=event.menu, key=event.key, digits=event.digits,
        dial_status=event.dial_status, outcome=str(event.outcome), desk=event.desk,
        desk_closed=None if not answered or event.desk_open is None else not event.desk_open,
        topic=event.topic if answered else None, topic_label=event.topic_label if answered else None,
        closure_day=event.closure_day, announced=event.announced,
        request_id=event.request_id, record_id=new_record_id())


def record_step(writer: RecordWriter, event: StepEvent) -> None:
    """Step handler: queue the step for the records database."""
    record = step_record(event)
    if record is not None:
        writer.submit(record)


def record_end(writer: RecordWriter, event: CallEndEvent) -> None:
    """Call-end handler: queue Twilio's final status for the call's record."""
    writer.submit(CallEnd(call_sid=event.call_sid, caller_hash=event.caller, at=event.at,
                          call_status=event.status, duration_s=event.duration_s))


def writer_for(settings, bus: Bus, metrics) -> RecordWriter | None:
    """The record writer the settings ask for, its handlers subscribed to `bus`; None with
    call records off (`ivr.records.init_app`)."""
    if not settings.records_url:
        log.warning("call records are off (IVR_RECORDS_DB=off)")
        return None
    spool = settings.records_spool
    if spool.lower() == "off":
        log.warning("the record spool is off (IVR_RECORDS_SPOOL=off): records queued in a "
                    "worker that is killed are lost")
    writer = RecordWriter(settings.records_url, settings.records_timeout,
                          spool=None if spool.lower() == "off" else spool,
                          on_failure=metrics.record_failed, on_retry=metrics.record_retried,
                          observe=metrics.records_state)
    bus.subscribe(StepEvent, partial(record_step, writer))
    bus.subscribe(CallEndEvent, partial(record_end, writer))
    return writer
