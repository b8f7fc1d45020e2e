"""The web edge: Twilio's webhooks, checked and answered with TwiML.

Flask only translates here: werkzeug reads the form, twilio's RequestValidator checks the
signature, the request is read once into an `Incoming`, one service function of `ivr.calls`
answers it (the flow, a text message, the event on the bus), and twiml.py renders the step.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, g, request, url_for
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException, InternalServerError

from ..calls import services
from ..calls.services import Incoming
from ..core.flow import CallFlow
from ..core.steps import Position, Step
from ..observability.callers import caller_hash
from . import wired
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"


def now():
    """The request's moment on the app's clock, read once per request."""
    if "now" not in g:
        g.now = wired().settings.clock()
    return g.now


def signed_url() -> str:
    """The URL Twilio requested, and signed: werkzeug's base URL and the query string as received.

    request.url would decode escapes such as %2A in the query, and Twilio signs them as sent.
    """
    query = request.query_string.decode("latin-1")
    return f"{request.base_url}?{query}" if query else request.base_url


@bp.before_request
def check_signature() -> None:
    """Refuse any request Twilio did not sign for exactly this URL and form."""
    g.started, g.seq = time.perf_counter(), time.time_ns()
    settings = wired().settings
    if not settings.auth_token and settings.dev:
        return
    sent = request.headers.get("X-Twilio-Signature", "")
    if not sent:  # refused before its body is read
        log.warning("refused unsigned request to %s", request.path)
        abort(403)
    try:
        # A body over MAX_CONTENT_LENGTH is refused (413) here, before it is parsed.
        form = request.form if request.method == "POST" else {}
        signed = RequestValidator(settings.auth_token).validate(signed_url(), form, sent)
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 — a check that cannot be made is a refusal, never a call
        log.warning("refused request to %s: its signature could not be checked", request.path, exc_info=True)
        abort(403)
    if not signed:
        log.warning("refused forged request to %s", request.path)
        abort(403)


def read() -> Incoming:
    """The webhook request as the line reads it, once: Twilio's fields (werkzeug's form, the
    first value of each) and the request's moment, arrival and server."""
    form = request.form
    number = form.get("From", "")
    return Incoming(
        at=now(), seq=g.seq, started=g.started, endpoint=request.endpoint or "",
        call_sid=form.get("CallSid", ""), number=number,
        caller=caller_hash(wired().settings.caller_key, number or None),
        digits=form.get("Digits"), words=form.get("SpeechResult", ""),
        confidence=_confidence(form.get("Confidence", "")), dial_status=form.get("DialCallStatus"),
        request_id=request.headers.get("I-Twilio-Idempotency-Token"),
        served=bool(request.environ.get("SERVER_SOFTWARE")))


def _position() -> Position | None:
    """The caller's position from the URL's query string (werkzeug's parse of it); None if it
    names none."""
    return Position.from_query(request.args)


def _confidence(value: str) -> float | None:
    """Twilio's Confidence for the words (0.0 to 1.0); None when absent or not a number."""
    try:
        confidence = float(value)
    except ValueError:
        return None
    return confidence if 0.0 <= confidence <= 1.0 else None


def _link(endpoint: str, position: Position) -> str:
    return url_for(endpoint, **position.to_query())


def _render(step: Step, flow: CallFlow) -> bytes:
    """The step's TwiML, its links under the app's URL prefix, made once per step and flow."""
    hints = flow.hints_at(step.listen) if step.listen is not None else ""
    return render(step, flow.routes.voice, flow.routes.input.timeout, _link, hints,
                  request.script_root, wired().line.documents)


def _fault_render(step: Step, flow: CallFlow) -> bytes:
    return render(step, flow.routes.voice, 1, _link, root=request.script_root)


def _twiml(body: bytes) -> Response:
    return Response(body, content_type=TWIML)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    return _twiml(services.new_call(wired(), read(), _render))


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, said words, or nothing, at the position in the URL."""
    return _twiml(services.step(wired(), read(), _position(), _render))


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    return _twiml(services.dialed(wired(), read(), _position(), _render))


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
    try:
        incoming = read()
    except Exception:
        log.exception("the step's event could not be made; no handler hears of it")
        incoming = None
    return _twiml(services.fault(wired(), incoming, _fault_render))
