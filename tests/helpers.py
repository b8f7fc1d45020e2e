"""Signed Twilio requests and TwiML checks shared by the tests."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from twilio.request_validator import RequestValidator

from ivr.core.hours import JAPAN
from ivr.core.routes import JAPANESE_VOICES

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ROOT / "routes.yaml"
TOKEN = "test-auth-token-0123456789abcdef"
BASE = "http://localhost"
# Tuesday 1 December 2026, 10:30 in Japan: every weekday desk is open.
OPEN_TUESDAY = datetime(2026, 12, 1, 10, 30, tzinfo=JAPAN)


def sign(url: str, params: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def call_params(**extra) -> dict:
    params = {"CallSid": "CA" + "0" * 32, "AccountSid": "AC" + "1" * 32, "From": "+819011112222",
              "To": "+815012345678", "CallStatus": "in-progress"}
    params.update(extra)
    return params


def post_signed(client, path: str, **extra):
    """POST as Twilio does: form fields plus a signature over the full URL."""
    params = call_params(**extra)
    return client.post(path, data=params, base_url=BASE,
                       headers={"X-Twilio-Signature": sign(BASE + path, params)})


SAY_CHILDREN = {"break", "prosody"}
VERBS = {"Say", "Gather", "Redirect", "Dial", "Hangup"}


def twiml(response) -> ET.Element:
    """Parse a TwiML response and check it is a document Twilio can play to a caller."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    verbs = list(root)
    assert verbs, "an empty response is dead air"
    assert {v.tag for v in verbs} <= VERBS
    assert verbs[-1].tag in {"Redirect", "Dial", "Hangup"}, "the document must not end in silence"
    for say in root.iter("Say"):
        assert say.get("language") == "ja-JP"
        assert say.get("voice") in JAPANESE_VOICES
        assert "".join(say.itertext()).strip(), "a Say must say something"
        assert {c.tag for c in say.iter()} - {"Say"} <= SAY_CHILDREN
    for gather in root.iter("Gather"):
        assert gather.get("numDigits") == "1"
        assert gather.get("input") == "dtmf"
        assert gather.get("action", "").startswith("/voice/")
        assert gather.get("actionOnEmptyResult") == "true"
        assert [c.tag for c in gather] == ["Say"]
    for dial in root.iter("Dial"):
        assert dial.text.startswith("+81")
        assert dial.get("action", "").startswith("/voice/dialed")
        assert int(dial.get("timeout")) > 0
    return root


def spoken(root: ET.Element) -> str:
    """Everything the caller hears in a TwiML document, as one string."""
    return "".join("".join(say.itertext()) for say in root.iter("Say"))


def next_action(root: ET.Element) -> str:
    """Where the caller's key goes next (Gather's action)."""
    return root.find("Gather").get("action")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
        return json.load(response)


def post_voice(port: int) -> str:
    url = f"http://127.0.0.1:{port}/voice"
    params = {"CallSid": "CA" + "2" * 32, "From": "+819011112222", "To": "+815012345678"}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(url, params)})
    with urllib.request.urlopen(request, timeout=2) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")
