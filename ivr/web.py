"""The web edge: Twilio's webhooks, checked and answered with TwiML."""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request, url_for
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException, InternalServerError

from .flow import CallFlow, Position, Step, fault_step
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"
MAX_LINKS = 4096  # positions are few: menus × keys × silence and failure counts


def _line():
    return current_app.extensions["ivr"]


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _url(endpoint: str, position: Position) -> str:
    """The link for a position, made once per app, mount point and position."""
    links = current_app.extensions.setdefault("ivr.links", {})
    key = (request.script_root, endpoint, position)
    link = links.get(key)
    if link is None:
        if len(links) >= MAX_LINKS:
            links.clear()
        link = links[key] = url_for(endpoint, **position.to_query())
    return link


@dataclass(frozen=True)
class StepEvent:
    """One answered webhook, as the listeners (records, metrics, logs) see it."""

    call_sid: str
    caller: str
    endpoint: str
    position: Position | None
    digits: str | None
    dial_status: str | None
    step: Step
    seconds: float


def _twiml(step: Step, flow: CallFlow, position: Position | None = None) -> Response:
    routes = flow.routes
    body = render(step, routes.voice, routes.input.timeout, _url)
    _notify(step, position)
    return Response(body, mimetype="text/xml", content_type=TWIML)


def _notify(step: Step, position: Position | None) -> None:
    """Tell each listener about the step; a failing listener never touches the call."""
    listeners = current_app.extensions.get("ivr.listeners", ())
    if not listeners:
        return
    event = StepEvent(
        call_sid=request.form.get("CallSid", ""), caller=request.form.get("From", ""),
        endpoint=request.endpoint or "", position=position,
        digits=request.form.get("Digits"), dial_status=request.form.get("DialCallStatus"),
        step=step, seconds=time.perf_counter() - request.environ.get("ivr.started", time.perf_counter()),
    )
    for listener in listeners:
        try:
            listener(event)
        except Exception:
            log.exception("step listener %r failed", listener)


class _SignedForm(dict):
    """Form fields as Twilio's validator reads them (getall), sparing it two failed lookups per field."""

    def getall(self, key: str) -> list[str]:
        value = self[key]
        return value if isinstance(value, list) else [value]


def _signed(token: str, url: str, params: _SignedForm, signature: str) -> bool:
    """Whether Twilio signed this form for this URL: the URL as received, else its port variants."""
    validator = RequestValidator(token)
    expected = validator.compute_signature(url, params).encode()
    if hmac.compare_digest(expected, signature.encode()):
        return True
    return validator.validate(url, params, signature)


@bp.before_request
def check_signature() -> None:
    """Refuse any request Twilio did not sign for exactly this URL."""
    request.environ["ivr.started"] = time.perf_counter()
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token and current_app.config["IVR_DEV"]:
        return
    signature = request.headers.get("X-Twilio-Signature", "")
    form = request.form.to_dict(flat=False) if request.method == "POST" else {}
    params = _SignedForm({k: v[0] if len(v) == 1 else v for k, v in form.items()})
    if not signature or not _signed(token, request.url, params, signature):
        log.warning("refused unsigned or forged request to %s", request.path)
        abort(403)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    flow = _line().current()
    return _twiml(flow.start(_now()), flow)


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, or nothing, at the position in the URL."""
    flow = _line().current()
    position = Position.from_query(request.args)
    if position is None:
        return _twiml(flow.lost(), flow)
    digits = request.form.get("Digits", "").strip()
    return _twiml(flow.press(position, digits, _now()), flow, position)


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    flow = _line().current()
    position = Position.from_query(request.args)
    if position is None:
        return _twiml(flow.lost(), flow)
    status = request.form.get("DialCallStatus", "failed")
    return _twiml(flow.dial_ended(position, status, _now()), flow, position)


@bp.app_errorhandler(Exception)
def fault(error: Exception):
    """Any unexpected error in a voice webhook: log it, and give the caller an apology and 188.

    Elsewhere (health, metrics, status callbacks) nobody is listening on the line, so a
    failure stays a plain 500 that monitoring can see.
    """
    if isinstance(error, HTTPException):
        return error
    log.exception("request failed at %s", request.path)
    if request.blueprint != bp.name:
        return InternalServerError()
    step = fault_step(_line().reader)
    body = render(step, _line().flow.routes.voice, 1, _url)
    _notify(step, None)
    return Response(body, mimetype="text/xml", content_type=TWIML)
