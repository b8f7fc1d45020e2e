"""The web edge: Twilio's webhooks, checked and answered with TwiML.

Flask only translates here: werkzeug reads the form, twilio's RequestValidator checks the
signature, the request is read once into an `Incoming`, one service function of `ivr.calls`
answers it (the flow, a text message, the event on the bus), and twiml.py renders the step.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, g, request, url_for
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException, InternalServerError

from ..calls import services
from ..calls.services import Incoming
from ..calls.wiring import Wiring
from ..core.flow import CallFlow
from ..core.steps import Position, Step
from ..observability.callers import caller_hash
from . import wired
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"


def signed_url(current=request) -> str:
    """The URL Twilio requested, and signed: werkzeug's base URL and the query string as received.

    request.url would decode escapes such as %2A in the query, and Twilio signs them as sent.
    """
    query, base = current.query_string.decode("latin-1"), current.base_url
    return f"{base}?{query}" if query else base


@bp.before_request
def check_signature() -> None:
    """Refuse any request Twilio did not sign for exactly this URL and form."""
    g.started, g.seq = time.perf_counter(), time.time_ns()
    settings = wired().settings
    if not settings.auth_token and settings.dev:
        return
    current = request._get_current_object()  # one lookup of the request for the whole check
    sent = current.headers.get("X-Twilio-Signature", "")
    if not sent:  # refused before its body is read
        log.warning("refused unsigned request to %s", current.path)
        abort(403)
    try:
        # A body over MAX_CONTENT_LENGTH is refused (413) here, before it is parsed.
        form = current.form if current.method == "POST" else {}
        signed = RequestValidator(settings.auth_token).validate(signed_url(current), form, sent)
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 — a check that cannot be made is a refusal, never a call
        log.warning("refused request to %s: its signature could not be checked", request.path, exc_info=True)
        abort(403)
    if not signed:
        log.warning("refused forged request to %s", request.path)
        abort(403)


def read(wiring: Wiring) -> Incoming:
    """The webhook request as the line reads it, once: Twilio's fields (werkzeug's form, the
    first value of each) and the request's moment (the app's clock, read once), arrival and
    server."""
    current = request._get_current_object()  # one lookup of the request, not one per field
    form, settings = current.form, wiring.settings
    number = _field(form, "From", "")
    return Incoming(
        at=settings.clock(), seq=g.seq, started=g.started, endpoint=current.endpoint or "",
        call_sid=_field(form, "CallSid", ""), number=number,
        caller=caller_hash(settings.caller_key, number or None),
        digits=_field(form, "Digits"), words=_field(form, "SpeechResult", ""),
        confidence=_confidence(_field(form, "Confidence", "")),
        dial_status=_field(form, "DialCallStatus"),
        request_id=current.headers.get("I-Twilio-Idempotency-Token"),
        served=bool(current.environ.get("SERVER_SOFTWARE")))


def _field(form, name: str, default: str | None = None) -> str | None:
    """A field's first value, `default` if it was not sent. Asked with `in` first: werkzeug's
    `get` makes and catches an exception for each field not sent, and a step's request lacks
    several (SpeechResult, Confidence, DialCallStatus)."""
    return form[name] if name in form else default


def _position() -> Position | None:
    """The caller's position from the URL's query string; None if it names none.

    The standard library's parse of the query string as sent (the first value of each name, as
    werkzeug's `request.args.get` gives): werkzeug's MultiDict around it is not needed here.
    """
    return Position.from_query(_first_values(request.query_string.decode("utf-8", "replace")))


def _first_values(query: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
        values.setdefault(name, value)
    return values


def _confidence(value: str) -> float | None:
    """Twilio's Confidence for the words (0.0 to 1.0); None when absent or not a number."""
    try:
        confidence = float(value)
    except ValueError:
        return None
    return confidence if 0.0 <= confidence <= 1.0 else None


def _link(endpoint: str, position: Position) -> str:
    return url_for(endpoint, **position.to_query())


def _renderer(wiring: Wiring):
    """The renderer of a step for this request: its TwiML, its links under the app's URL prefix,
    made once per step and flow (the served routes' document memo)."""
    documents, root = wiring.line.documents, request.script_root

    def _render(step: Step, flow: CallFlow) -> bytes:
        hints = flow.hints_at(step.listen) if step.listen is not None else ""
        return render(step, flow.routes.voice, flow.routes.input.timeout, _link, hints, root, documents)

    return _render


def _fault_render(step: Step, flow: CallFlow) -> bytes:
    return render(step, flow.routes.voice, 1, _link, root=request.script_root)


def _twiml(body: bytes) -> Response:
    return Response(body, content_type=TWIML)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    wiring = wired()
    return _twiml(services.new_call(wiring, read(wiring), _renderer(wiring)))


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, said words, or nothing, at the position in the URL."""
    wiring = wired()
    return _twiml(services.step(wiring, read(wiring), _position(), _renderer(wiring)))


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    wiring = wired()
    return _twiml(services.dialed(wiring, read(wiring), _position(), _renderer(wiring)))


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
    wiring = wired()
    try:
        incoming = read(wiring)
    except Exception:
        log.exception("the step's event could not be made; no handler hears of it")
        incoming = None
    return _twiml(services.fault(wiring, incoming, _fault_render))
