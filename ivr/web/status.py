"""Twilio's status callback: the call is over; the call-end handlers close its record."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..calls import services
from ..core.events import CALL_SID
from . import wired
from .webhooks import check_signature, read

bp = Blueprint("status", __name__)
bp.before_request(check_signature)
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
    wiring = wired()
    incoming = read(wiring)
    if not CALL_SID.fullmatch(incoming.call_sid):
        return Response("CallSid missing or malformed\n", status=400, mimetype="text/plain")
    services.call_status(wiring, incoming, request.form.get("CallStatus", ""),
                         _duration(request.form.get("CallDuration")))
    return Response(status=204)
