"""Wiring of call records: the step listener, the caller hash key and the writer."""

from __future__ import annotations

import logging
import os
import time

from flask import Flask, current_app, request

from ..core.flow import Step
from ..observability.callers import hash_key, hashed_caller
from .database import database_url
from .summary import CALL_SID, DIAL_STATUSES, StepRecord, clean_digits
from .writer import RecordWriter, new_record_id

log = logging.getLogger("ivr.records")
WEBHOOKS = {"ivr.voice": "voice", "ivr.step": "step", "ivr.dialed": "dialed"}


def _label(parts) -> str:
    return "".join(p for p in parts if isinstance(p, str))[:200]


def _answer_details(step: Step) -> dict:
    """Topic, its label and whether the desk is closed now, for an answer."""
    line = current_app.extensions["ivr"]
    flow = line.flow
    details: dict = {}
    if step.listen is not None and step.listen.key is not None:
        menu = flow.routes.menus.get(step.listen.menu)
        option = menu.option(step.listen.key) if menu else None
        details["topic"] = f"{step.listen.menu}/{step.listen.key}"[:80]
        details["topic_label"] = _label(option.label) if option else None
    desk = flow.routes.desks.get(step.desk or "")
    if desk is not None and desk.hours is not None and desk.hours.known:
        details["desk_closed"] = not flow.desk_open(desk, current_app.config["CLOCK"]())
    return details


def step_record(event) -> StepRecord | None:
    """What a record keeps of a webhook step; None when it belongs to no call we can name."""
    endpoint = WEBHOOKS.get(event.endpoint)
    if endpoint is None or not CALL_SID.fullmatch(event.call_sid or ""):
        return None
    step = event.step
    position = event.position
    extra = _answer_details(step) if step.outcome in {"answer", "answer_repeat"} else {}
    dial = event.dial_status if event.dial_status in DIAL_STATUSES else None
    return StepRecord(
        call_sid=event.call_sid, caller_hash=hashed_caller(event.caller), seq=time.time_ns(),
        at=current_app.config["CLOCK"](), endpoint=endpoint,
        menu=position.menu[:64] if position else None,
        key=position.key[:8] if position and position.key else None,
        digits=clean_digits(event.digits) if endpoint == "step" else None,
        dial_status=dial if endpoint == "dialed" else None,
        outcome=step.outcome[:32], desk=step.desk,
        closure_day=step.closure_day, announced=step.announced,
        request_id=request.headers.get("I-Twilio-Idempotency-Token", "")[:64] or None,
        record_id=new_record_id(), **extra)


def record_step(event) -> None:
    """Step listener: queue the step for the records database."""
    record = step_record(event)
    if record is not None:
        current_app.extensions["ivr.records"].submit(record)


def init_app(app: Flask) -> None:
    """Set up call records from DATABASE_URL / IVR_RECORDS_DB and the caller hash key."""
    from ..web import status

    app.config.setdefault("IVR_CALLER_HASH_KEY", os.environ.get("IVR_CALLER_HASH_KEY", ""))
    app.config.setdefault("RECORDS_URL", database_url())
    app.config.setdefault("RECORDS_BUSY_TIMEOUT", float(os.environ.get("IVR_RECORDS_TIMEOUT", "5")))
    app.config.setdefault("RECORDS_SPOOL", os.environ.get("IVR_RECORDS_SPOOL", "").strip())
    app.extensions["ivr.hash_key"] = hash_key(app)
    if app.extensions["ivr.hash_key"] is None:
        loudly = log.warning if app.config.get("IVR_DEV") else log.error
        loudly("IVR_CALLER_HASH_KEY is not set: callers are recorded without any trace of "
               "their number, so repeat callers cannot be counted. Set a long random key "
               "in production and keep it secret.")
    url = app.config["RECORDS_URL"]
    app.register_blueprint(status.bp)
    if not url:
        log.warning("call records are off (IVR_RECORDS_DB=off)")
        return
    metrics = app.extensions.get("ivr.metrics")
    spool = app.config["RECORDS_SPOOL"]
    if spool and spool.lower() == "off":
        log.warning("the record spool is off (IVR_RECORDS_SPOOL=off): records queued in a "
                    "worker that is killed are lost")
    writer = RecordWriter(url, app.config["RECORDS_BUSY_TIMEOUT"],
                          spool=None if spool.lower() == "off" else spool,
                          on_failure=metrics.record_failed if metrics else lambda reason: None,
                          on_retry=metrics.record_retried if metrics else lambda reason: None,
                          observe=metrics.records_state if metrics else None)
    app.extensions["ivr.records"] = writer
    app.extensions.setdefault("ivr.metrics_refresh", []).append(writer.report)
    app.extensions.setdefault("ivr.listeners", []).append(record_step)
