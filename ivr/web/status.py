"""Twilio's status callback: the call is over; the call-end listeners close its record."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from ..core.events import CALL_SID, FINAL_STATUSES, CallEndEvent
from ..observability.callers import caller_hash
from .webhooks import check_signature, now

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
    event = CallEndEvent(
        at=now(), call_sid=call_sid,
        caller=caller_hash(current_app.extensions["ivr.settings"].caller_key, request.form.get("From")),
        status=status, duration_s=_duration(request.form.get("CallDuration")),
        served=bool(request.environ.get("SERVER_SOFTWARE")))
    for listener in current_app.extensions.get("ivr.end_listeners", ()):
        try:
            listener(event)
        except Exception:
            log.exception("call-end listener %r failed", listener)
    return Response(status=204)
