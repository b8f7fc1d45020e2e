"""Webhook requests are bounded before any work: unsigned ones are refused unread, big ones refused unparsed."""

from __future__ import annotations

import io

import pytest
from helpers import BASE, call_params, post_signed, sign, twiml
from werkzeug.formparser import FormDataParser

from ivr.web import webhooks

BIG = 2_000_000


@pytest.fixture
def no_form_parsing(monkeypatch):
    """Fail the request if the form is ever parsed."""
    def parse(*args, **kwargs):
        raise AssertionError("the form was parsed")

    monkeypatch.setattr(FormDataParser, "parse", parse)


def test_an_unsigned_request_is_refused_before_its_form_is_read(client, no_form_parsing):
    response = client.post("/voice", data={"From": "+819011112222", "Junk": "x" * BIG}, base_url=BASE)
    assert response.status_code == 403


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(client, no_form_parsing):
    params = call_params(Junk="x" * BIG)
    response = client.post("/voice", data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + "/voice", params)})
    assert response.status_code == 413
    assert b"<Response>" not in response.data


def test_a_body_over_the_limit_without_a_length_is_refused(client):
    """Chunked: werkzeug reads no more than the limit, and what it read is not what was signed."""
    body = io.BytesIO(b"From=%2B819011112222&Junk=" + b"x" * BIG)
    response = client.post("/voice", input_stream=body, base_url=BASE, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": "x", "Transfer-Encoding": "chunked"},
                           environ_base={"wsgi.input_terminated": True})  # as gunicorn says of a chunked body
    assert response.status_code in (403, 413)
    assert body.tell() <= 64 * 1024 + 8192, "read no further than the limit (and one buffer)"


def test_twilios_forms_are_well_inside_the_limit(client, app):
    params = call_params(Digits="1", SpeechResult="あ" * 1000, Caller="+819011112222")
    assert len("&".join(f"{k}={v}" for k, v in params.items()).encode()) * 3 < app.config["MAX_CONTENT_LENGTH"]
    twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="1", SpeechResult="あ" * 1000))


@pytest.mark.parametrize("error", [ValueError("bad host"), UnicodeError("bad bytes"), RuntimeError("?")])
def test_any_error_while_checking_a_signature_is_a_refusal(client, monkeypatch, error):
    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(webhooks.RequestValidator, "validate", fails)
    response = post_signed(client, "/voice")
    assert response.status_code == 403
    assert b"<Response>" not in response.data


def test_a_malformed_host_is_refused_not_answered(client):
    params = call_params()
    response = client.post("/voice", data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + "/voice", params), "Host": "[::1"})
    assert response.status_code in (400, 403)
