"""The web edge: Twilio's webhooks, checked and answered with TwiML.

Flask only translates here: werkzeug reads the form, twilio's RequestValidator checks the
signature, the core's flow decides, twiml.py renders, and one event goes to the listeners.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, g, request, url_for
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException, InternalServerError

from ..core.contacts import is_japanese_mobile
from ..core.events import SPOKEN, StepEvent, clean_digits, dial_status
from ..core.flow import CallFlow, fault_step
from ..core.steps import Position, Step
from ..observability.callers import caller_hash
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"


def _line():
    return current_app.extensions["ivr"]


def _settings():
    return current_app.extensions["ivr.settings"]


def now():
    """The request's moment on the app's clock, read once per request."""
    if "now" not in g:
        g.now = _settings().clock()
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
    settings = _settings()
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


@dataclass(frozen=True, slots=True)
class Incoming:
    """A webhook request as the line reads it, once: Twilio's fields and the request's moment."""

    fields: dict[str, str]  # Twilio's form, the first value of each field
    at: datetime  # the request's one reading of the app's clock
    caller: str | None  # the keyed hash of the caller's number (From); None without a key

    @classmethod
    def read(cls) -> Incoming:
        fields = request.form.to_dict()
        return cls(fields, now(), caller_hash(_settings().caller_key, fields.get("From")))

    def texting(self) -> bool:
        """Whether this caller may be offered a desk's details by text (a Japanese mobile, on a
        line that sends texts): worked out from each request, as the call keeps no state."""
        return "ivr.texter" in current_app.extensions and is_japanese_mobile(self.fields.get("From"))


def _text(flow: CallFlow, incoming: Incoming, position: Position, step: Step) -> Step:
    """Hand the message the caller asked for to the sender; if it cannot go, say so instead."""
    from ..sms.texter import UNAVAILABLE

    form = incoming.fields
    refusal = current_app.extensions["ivr.texter"].request(
        form.get("CallSid", ""), form.get("From", ""), incoming.caller, step.text, incoming.at)
    if refusal is None:
        return step
    return flow.text_refused(position, incoming.at, over_limit=refusal != UNAVAILABLE)


def _link(endpoint: str, position: Position) -> str:
    return url_for(endpoint, **position.to_query())


def _twiml(step: Step, flow: CallFlow, incoming: Incoming, position: Position | None = None) -> Response:
    """The step as a TwiML response; the listeners hear of it first."""
    hints = flow.hints_at(step.listen) if step.listen is not None else ""
    body = render(step, flow.routes.voice, flow.routes.input.timeout, _link, hints,
                  request.script_root)
    _notify(step, incoming, position)
    return Response(body, content_type=TWIML)


def _notify(step: Step, incoming: Incoming | None, position: Position | None) -> None:
    """Build the request's one event and tell each listener; a failing listener never touches the call."""
    listeners = current_app.extensions.get("ivr.listeners", ())
    if not listeners:
        return
    try:
        incoming = incoming or Incoming.read()
        form, req = incoming.fields, request._get_current_object()
        event = StepEvent(
            at=incoming.at, seq=g.seq, call_sid=form.get("CallSid", ""),
            caller=incoming.caller,
            endpoint=req.endpoint or "", position=position,
            # Spoken words are never passed on (they may hold personal details): only that the
            # caller spoke, and the topic understood, which the step carries.
            digits=SPOKEN if step.heard is not None else clean_digits(form.get("Digits")),
            dial_status=dial_status(form.get("DialCallStatus")),
            request_id=req.headers.get("I-Twilio-Idempotency-Token", "")[:64] or None,
            served=bool(req.environ.get("SERVER_SOFTWARE")), step=step,
            seconds=time.perf_counter() - g.started,
        )
    except Exception:
        log.exception("the step's event could not be made; no listener hears of it")
        return
    for listener in listeners:
        try:
            listener(event)
        except Exception:
            log.exception("step listener %r failed", listener)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    flow, incoming = _line().current(), Incoming.read()
    return _twiml(flow.start(incoming.at), flow, incoming)


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, or nothing, at the position in the URL."""
    flow, incoming = _line().current(), Incoming.read()
    position = _position(request.query_string)
    if position is None:
        return _twiml(flow.lost(), flow, incoming)
    form, at = incoming.fields, incoming.at
    digits = form.get("Digits", "").strip()
    words = form.get("SpeechResult", "")
    if not digits and words.strip():
        pressed = flow.hear(position, words, _confidence(form), at, texting=incoming.texting())
    else:
        pressed = flow.press(position, digits, at, texting=incoming.texting())
    if pressed.text is not None:
        pressed = _text(flow, incoming, position, pressed)
    return _twiml(pressed, flow, incoming, position)


@lru_cache(maxsize=256)
def _position(query: bytes) -> Position | None:
    """The caller's position from the URL's query string (werkzeug's parse of it, `request.args`).

    Kept for each query string: Twilio posts the same few back, and the position depends on
    nothing else. Only ever called with the current request's query string.
    """
    return Position.from_query(request.args)


def _confidence(form: dict[str, str]) -> float | None:
    """Twilio's Confidence for the words (0.0 to 1.0); None when absent or not a number."""
    try:
        value = float(form.get("Confidence", ""))
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    flow, incoming = _line().current(), Incoming.read()
    position = _position(request.query_string)
    if position is None:
        return _twiml(flow.lost(), flow, incoming)
    status = incoming.fields.get("DialCallStatus", "failed")
    return _twiml(flow.dial_ended(position, status, incoming.at, texting=incoming.texting()),
                  flow, incoming, position)


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
    body = render(step, _line().flow.routes.voice, 1, _link, root=request.script_root)
    _notify(step, None, None)
    return Response(body, content_type=TWIML)
