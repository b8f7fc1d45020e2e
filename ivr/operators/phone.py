"""A phone in the terminal: drives the real app with signed requests, as Twilio would."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from twilio.request_validator import RequestValidator

from ..app import create_app
from ..core.hours import JAPAN
from ..core.notices import ENGLISH, in_locale, language_of, notice, pnotice
from ..web import wired

BASE_URL = "http://localhost"
MAX_STEPS = 60
CALLER = "+81312345678"  # a Tokyo landline; a Japanese mobile (+8190…) is offered text messages
LINE_NUMBER = "+815000000000"


@dataclass(frozen=True)
class Event:
    """One thing that happened on the call: the line spoke, a key was pressed, …"""

    kind: str  # "say", "press", "speak", "silence", "dial", "sms", "hangup", "error"
    text: str  # what the caller hears, a key, words; or a Notice, said in the operators' language

    def __str__(self) -> str:
        return self.text_in(ENGLISH)

    def text_in(self, locale: str | None) -> str:
        """The event as `ivr call` prints it: its kind, then its text (in a locale)."""
        label = _KINDS[self.kind].render(locale) if self.kind in _KINDS else self.kind
        if language_of(locale) == ENGLISH:
            label = label.upper()
        pad = " " * max(1, 9 - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label))
        return label + pad + in_locale(self.text, locale).replace("\n", "\n" + " " * 9)


# How `ivr call` names each kind of event (English in capitals: SAY, PRESS, …).
_KINDS = {
    # TRANSLATORS: ivr call, before what the line says to the caller (ja: 案内).
    "say": pnotice("call event", "say"),
    # TRANSLATORS: ivr call, before the key the caller presses (ja: キー).
    "press": pnotice("call event", "press"),
    # TRANSLATORS: ivr call, before the words the caller says (ja: 発話).
    "speak": pnotice("call event", "speak"),
    # TRANSLATORS: ivr call: the caller stays silent (ja: 無言).
    "silence": pnotice("call event", "silence"),
    # TRANSLATORS: ivr call, before the number the line transfers the call to (ja: 転送).
    "dial": pnotice("call event", "dial"),
    # TRANSLATORS: ivr call, before the text message the line would send (ja: SMS).
    "sms": pnotice("call event", "sms"),
    # TRANSLATORS: ivr call: the call ends (ja: 終話).
    "hangup": pnotice("call event", "hangup"),
    # TRANSLATORS: ivr call: the line answered with an HTTP error (ja: エラー).
    "error": pnotice("call event", "error"),
}


@contextlib.contextmanager
def quiet_server_log() -> Iterator[None]:
    """Keep the app's own log below errors for the length of a terminal call."""
    logger = logging.getLogger("ivr")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def rehearsal_texter():
    """Text messages that are counted against the limits in this process and only printed."""
    from ..sms.sending import RehearsalSender
    from ..sms.texter import Limits, MemoryLedger, Texter

    return Texter(MemoryLedger(), RehearsalSender(), Limits(), background=False)


def local_app(routes: str, at: datetime | None = None) -> tuple[Flask, str]:
    """The real app with a throw-away token, its clock pinned to `at` if given."""
    token = secrets.token_hex(16)
    hash_key = secrets.token_hex(16)
    overrides = {
        "auth_token": token, "routes": routes, "dev": False,
        # A call from the terminal is a rehearsal: it leaves no call record, and the text
        # messages a caller from a mobile asks for are printed, not sent.
        "records_url": None, "caller_hash_key": hash_key, "sms_texter": rehearsal_texter(),
    }
    if at is not None:
        pinned = at if at.tzinfo else at.replace(tzinfo=JAPAN)
        overrides["clock"] = lambda: pinned
    return create_app(overrides), token


def spoken(element: ET.Element) -> str:
    """The words of a <Say>, SSML included, as one line; pauses shown as 、."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "break":
            if parts and parts[-1] and not parts[-1].endswith(("、", "。")):
                parts.append("、")
        else:
            parts.append(spoken(child))
        parts.append(child.tail or "")
    return "".join(parts).strip()


class Call:
    """One call from a caller to the line, step by step."""

    def __init__(self, app: Flask, token: str, caller: str = CALLER, dial_status: str = "completed"):
        self.client = app.test_client()
        texter = wired(app).texter
        self.outbox: list[str] | None = getattr(getattr(texter, "sender", None), "outbox", None)
        self.validator = RequestValidator(token)
        self.dial_status = dial_status
        self.base = {
            "CallSid": "CA" + secrets.token_hex(16), "AccountSid": "AC" + secrets.token_hex(16),
            "From": caller, "To": LINE_NUMBER, "CallStatus": "in-progress", "Direction": "inbound",
        }

    def post(self, path: str, extra: dict[str, str] | None = None):
        """POST to the app exactly as Twilio would: form fields and a valid signature."""
        params = dict(self.base, **(extra or {}))
        signature = self.validator.compute_signature(BASE_URL + path, params)
        return self.client.post(path, data=params, base_url=BASE_URL,
                                headers={"X-Twilio-Signature": signature})

    def run(self, keys: Callable[[], str | None], on_event: Callable[[Event], None]) -> list[Event]:
        """Follow the TwiML from the first ring until someone hangs up."""
        events: list[Event] = []

        def emit(kind: str, text: str) -> None:
            event = Event(kind, text)
            events.append(event)
            on_event(event)

        request: tuple[str, dict[str, str]] | None = ("/voice", {})
        for _ in range(MAX_STEPS):
            if request is None:
                break
            response = self.post(*request)
            request = None
            while self.outbox:
                # TRANSLATORS: ivr call: the text message the line would send, to the caller's number.
                emit("sms", notice("to %(number)s:\n%(message)s", number=self.base["From"],
                                   message=self.outbox.pop(0)))
            if response.status_code != 200:
                # TRANSLATORS: ivr call: the line answered a step with an HTTP error status.
                emit("error", notice("HTTP %(status)s from %(path)s", status=response.status_code,
                                     path=response.request.path))
                break
            for verb in ET.fromstring(response.data):
                if verb.tag == "Say":
                    emit("say", spoken(verb))
                elif verb.tag == "Gather":
                    for say in verb.iter("Say"):
                        emit("say", spoken(say))
                    digits = keys()
                    if digits is None:
                        # TRANSLATORS: ivr call: the caller (q, or the end of --keys) hangs up.
                        emit("hangup", notice("caller hangs up"))
                        return events
                    if isinstance(digits, Said):
                        if "speech" in (verb.get("input") or "").split():
                            emit("speak", str(digits))
                            request = (verb.get("action"),
                                       {"SpeechResult": str(digits), "Confidence": SPOKEN_CONFIDENCE})
                            break
                        # TRANSLATORS: ivr call: words said where the line takes only keys.
                        emit("speak", notice("%(words)s (not listened for here: heard as silence)",
                                             words=str(digits)))
                        digits = ""
                    # TRANSLATORS: ivr call: the caller pressed no key.
                    emit("press" if digits else "silence", digits or notice("(no key)"))
                    if digits or verb.get("actionOnEmptyResult") == "true":
                        request = (verb.get("action"), {"Digits": digits})
                        break
                elif verb.tag == "Redirect":
                    request = (verb.text, {})
                    break
                elif verb.tag == "Dial":
                    emit("dial", f"{verb.text.strip()} (DialCallStatus={self.dial_status})")
                    request = (verb.get("action"), {"DialCallStatus": self.dial_status})
                    break
                elif verb.tag == "Hangup":
                    # TRANSLATORS: ivr call: the line ends the call.
                    emit("hangup", notice("line hangs up"))
                    return events
            else:
                if request is None:
                    # TRANSLATORS: ivr call: the line's TwiML ends without hanging up, so the call ends.
                    emit("hangup", notice("end of instructions"))
                    return events
        return events


class Said(str):
    """Words the caller says (sent as Twilio's SpeechResult) rather than a key."""


SPOKEN_CONFIDENCE = "0.9"  # what the terminal phone reports as the recogniser's confidence


KEYS = "0123456789*#"
_KEY_RUN = re.compile(r"[0-9*#](?:[\s,、]*[0-9*#])*")


def typed_keys(text: str) -> list[str] | None:
    """The keys in what was typed, one by one: full-width digits are digits, and 11, 1 1 or 1,1
    are two presses of 1; [] for nothing typed; None for words (anything but keys)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return []
    if _KEY_RUN.fullmatch(folded):
        return [c for c in folded if c in KEYS]
    return None


def scripted(keys: list[str], said: str | None = None) -> Callable[[], str | None]:
    """Keys from a list, '' (or '-') for silence, words for anything else; None (hang up) when
    the list runs out.

    With `said`, the caller first says those words, then presses the keys.
    """
    items: list[str] = [Said(said)] if said else []
    for item in keys:
        found = [""] if item.strip() == "-" else typed_keys(item)
        items += found if found is not None else [Said(item.strip())]
    queue: Iterator[str] = iter(items)

    def press() -> str | None:
        return next(queue, None)

    return press


def typed(prompt: Callable[[], str]) -> Callable[[], str | None]:
    """Keys and words typed in the terminal: several keys on one line are pressed in turn,
    Enter alone is silence, q hangs up."""
    pending: list[str] = []

    def press() -> str | None:
        if pending:
            return pending.pop(0)
        answer = prompt().strip()
        if answer.lower() == "q":
            return None
        keys = typed_keys(answer)
        if keys is None:
            return Said(answer)
        if not keys:
            return ""
        pending.extend(keys[1:])
        return keys[0]

    return press
