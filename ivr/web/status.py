"""Twilio's status callback: the call is over, close its record."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from ..observability.callers import hashed_caller
from ..observability.logs import log_call_end
from ..records.summary import CALL_SID, FINAL_STATUSES, CallEnd
from .webhooks import check_signature

bp = Blueprint("status", __name__)
bp.before_request(check_signature)
log = logging.getLogger("ivr.records")
MAX_DURATION = 7 * 24 * 3600


def _duration(value: str | None) -> int | None:
    try:
        seconds = int(value or "")
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_DURATION else None


@bp.post("/voice/status")
def call_status() -> Response:
    """CallStatus completed/busy/no-answer/failed/canceled ends the record; 204 either way."""
    call_sid = request.form.get("CallSid", "")
    status = request.form.get("CallStatus", "")
    if not CALL_SID.fullmatch(call_sid):
        return Response("CallSid missing or malformed\n", status=400, mimetype="text/plain")
    if status not in FINAL_STATUSES:
        return Response(status=204)
    caller, duration = request.form.get("From", ""), _duration(request.form.get("CallDuration"))
    writer = current_app.extensions.get("ivr.records")
    if writer is not None:
        writer.submit(CallEnd(call_sid=call_sid, caller_hash=hashed_caller(caller),
                              at=current_app.config["CLOCK"](), call_status=status,
                              duration_s=duration))
    current_app.extensions["ivr.metrics"].call_ended(status)
    log_call_end(call_sid, status, duration, caller)
    return Response(status=204)
