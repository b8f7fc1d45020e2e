"""The web edge: Twilio's webhooks, checked and answered with TwiML."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request, url_for
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from .flow import Position, Step, fault_step
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"


def _line():
    return current_app.extensions["ivr"]


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _url(endpoint: str, position: Position) -> str:
    return url_for(endpoint, **position.to_query())


def _twiml(step: Step) -> Response:
    routes = _line().flow.routes
    body = render(step, routes.voice, routes.input.timeout, _url)
    return Response(body, mimetype="text/xml", content_type=TWIML)


@bp.before_request
def check_signature() -> None:
    """Refuse any request Twilio did not sign for exactly this URL."""
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token and current_app.config["IVR_DEV"]:
        return
    signature = request.headers.get("X-Twilio-Signature", "")
    form = request.form.to_dict(flat=False) if request.method == "POST" else {}
    params = {k: v[0] if len(v) == 1 else v for k, v in form.items()}
    if not signature or not RequestValidator(token).validate(request.url, params, signature):
        log.warning("refused unsigned or forged request to %s", request.path)
        abort(403)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    return _twiml(_line().flow.start(_now()))


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, or nothing, at the position in the URL."""
    flow = _line().flow
    position = Position.from_query(request.args)
    if position is None:
        return _twiml(flow.lost())
    digits = request.form.get("Digits", "").strip()
    return _twiml(flow.press(position, digits, _now()))


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    flow = _line().flow
    position = Position.from_query(request.args)
    if position is None:
        return _twiml(flow.lost())
    status = request.form.get("DialCallStatus", "failed")
    return _twiml(flow.dial_ended(position, status, _now()))


@bp.app_errorhandler(Exception)
def fault(error: Exception):
    """Any unexpected error in a webhook: log it, and give the caller an apology and 188."""
    if isinstance(error, HTTPException):
        return error
    log.exception("webhook failed at %s", request.path)
    body = render(fault_step(_line().reader), _line().flow.routes.voice, 1, _url)
    return Response(body, mimetype="text/xml", content_type=TWIML)
