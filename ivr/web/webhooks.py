"""The web edge: Twilio's webhooks, checked and answered with TwiML."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Request, Response, abort, current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, InternalServerError

from ..core.contacts import is_japanese_mobile
from ..core.flow import CallFlow, Position, Step, fault_step
from .forms import WebhookForm
from .signature import is_signed, matches, requested_url
from .twiml import render

bp = Blueprint("ivr", __name__)
log = logging.getLogger("ivr.web")
TWIML = "text/xml; charset=utf-8"
MAX_LINKS = 4096  # positions are few: menus × keys × silence and failure counts
MAX_ROOTS = 16  # mount points: one in practice, more only behind several proxy prefixes


def _line():
    return current_app.extensions["ivr"]


def _now() -> datetime:
    return current_app.config["CLOCK"]()


class _Links:
    """Links to positions under one mount point, each made once with url_for."""

    def __init__(self):
        self._made: dict[tuple[str, Position], str] = {}

    def __call__(self, endpoint: str, position: Position) -> str:
        link = self._made.get((endpoint, position))
        if link is None:
            if len(self._made) >= MAX_LINKS:
                self._made.clear()
            link = self._made[endpoint, position] = url_for(endpoint, **position.to_query())
        return link


def _links(app: Flask, req: Request) -> _Links:
    """The link maker for this app and the mount point of this request."""
    by_root = app.extensions.setdefault("ivr.links", {})
    root = req.script_root
    links = by_root.get(root)
    if links is None:
        if len(by_root) >= MAX_ROOTS:
            by_root.clear()
        links = by_root[root] = _Links()
    return links


def _field(form: MultiDict, name: str, default: str | None = None) -> str | None:
    """A form field's first value (MultiDict.get builds an exception for a missing one)."""
    return form[name] if name in form else default


def _pairs(form: MultiDict) -> list[tuple[str, str]]:
    """Every (name, value) in the form."""
    return form.pairs if isinstance(form, WebhookForm) else list(form.items(multi=True))


@lru_cache(maxsize=MAX_LINKS)
def _position(query: bytes) -> Position | None:
    """The position in a webhook's query string, read as request.args reads it (bad UTF-8 replaced)."""
    return Position.from_query(MultiDict(parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)))


class StepEvent(NamedTuple):
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
    """The step as a TwiML response; the listeners hear of it first."""
    routes = flow.routes
    app, req = current_app._get_current_object(), request._get_current_object()
    body = render(step, routes.voice, routes.input.timeout, _links(app, req))
    _notify(app, req, step, position)
    return Response(body, content_type=TWIML)


def _notify(app: Flask, req: Request, step: Step, position: Position | None) -> None:
    """Tell each listener about the step; a failing listener never touches the call."""
    listeners = app.extensions.get("ivr.listeners", ())
    if not listeners:
        return
    form = req.form
    started = req.environ.get("ivr.started")
    event = StepEvent(
        call_sid=_field(form, "CallSid", ""), caller=_field(form, "From", ""),
        endpoint=req.endpoint or "", position=position,
        digits=_field(form, "Digits"), dial_status=_field(form, "DialCallStatus"), step=step,
        seconds=time.perf_counter() - started if started is not None else 0.0,
    )
    for listener in listeners:
        try:
            listener(event)
        except Exception:
            log.exception("step listener %r failed", listener)


@bp.before_request
def check_signature() -> None:
    """Refuse any request Twilio did not sign for exactly this URL."""
    req = request._get_current_object()
    environ = req.environ
    environ["ivr.started"] = time.perf_counter()
    config = current_app.config
    token = config["TWILIO_AUTH_TOKEN"]
    if not token and config["IVR_DEV"]:
        return
    sent = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not sent:  # refused before its body is read
        log.warning("refused unsigned request to %s", req.path)
        abort(403)
    try:
        # A body over MAX_CONTENT_LENGTH is refused (413) here, before it is parsed.
        fields = _pairs(req.form) if req.method == "POST" else []
        signed = (matches(token, requested_url(environ), fields, sent)
                  or is_signed(token, req.url, fields, sent))
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 — a check that cannot be made is a refusal, never a call
        log.warning("refused request to %s: its signature could not be checked", req.path, exc_info=True)
        abort(403)
    if not signed:
        log.warning("refused forged request to %s", req.path)
        abort(403)


def _texting(form: MultiDict) -> bool:
    """Whether this caller may be offered a desk's details by text: read from each request."""
    return "ivr.texter" in current_app.extensions and is_japanese_mobile(_field(form, "From"))


def _text(flow: CallFlow, position: Position, step: Step) -> Step:
    """Hand the message the caller asked for to the sender; if it cannot go, say so instead."""
    form = request.form
    refusal = current_app.extensions["ivr.texter"].request(
        _field(form, "CallSid", ""), _field(form, "From", ""), step.text, _now())
    if refusal is None:
        return step
    from ..sms.texter import UNAVAILABLE

    return flow.text_refused(position, _now(), over_limit=refusal != UNAVAILABLE)


@bp.post("/voice")
def voice() -> Response:
    """A new call: greeting and top menu."""
    flow = _line().current()
    return _twiml(flow.start(_now()), flow)


@bp.post("/voice/step")
def step() -> Response:
    """The caller pressed a key, or nothing, at the position in the URL."""
    flow = _line().current()
    position = _position(request.query_string)
    if position is None:
        return _twiml(flow.lost(), flow)
    digits = _field(request.form, "Digits", "").strip()
    pressed = flow.press(position, digits, _now(), texting=_texting(request.form))
    if pressed.text is not None:
        pressed = _text(flow, position, pressed)
    return _twiml(pressed, flow, position)


@bp.post("/voice/dialed")
def dialed() -> Response:
    """A transfer ended; Twilio says how in DialCallStatus."""
    flow = _line().current()
    position = _position(request.query_string)
    if position is None:
        return _twiml(flow.lost(), flow)
    status = _field(request.form, "DialCallStatus", "failed")
    ended = flow.dial_ended(position, status, _now(), texting=_texting(request.form))
    return _twiml(ended, flow, position)


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
    app, req = current_app._get_current_object(), request._get_current_object()
    step = fault_step(_line().reader)
    body = render(step, _line().flow.routes.voice, 1, _links(app, req))
    _notify(app, req, step, None)
    return Response(body, content_type=TWIML)
