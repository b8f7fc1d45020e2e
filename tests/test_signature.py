"""Webhooks are checked with twilio's RequestValidator over werkzeug's form and the URL Twilio signed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from helpers import BASE, TOKEN, call_params, sign, twiml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

values = st.text(max_size=20)
NAMES = ["Digits", "From", "To", "CallerName", "Extra"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(NAMES), values, max_size=5), menu=st.text(min_size=1, max_size=8))
def test_any_signed_form_and_query_is_accepted(client, fields, menu):
    params = call_params(**fields)
    path = "/voice/step?" + urlencode({"m": menu, "s": "0", "f": "0"})
    response = client.post(path, data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + path, params)})
    twiml(response)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.lists(st.tuples(st.sampled_from(NAMES), values), min_size=1, max_size=6))
def test_repeated_fields_are_signed_as_twilio_signs_them(client, extra):
    fields = MultiDict(list(call_params().items()) + extra)
    url = BASE + "/voice"
    signature = RequestValidator(TOKEN).compute_signature(url, fields)
    response = client.post("/voice", data=fields, base_url=BASE, headers={"X-Twilio-Signature": signature})
    twiml(response)


def test_twilios_port_variants_are_accepted_and_other_ports_refused(client):
    params = call_params()
    for signed_url, ok in [("https://ivr.example.jp:443/voice", True), ("https://ivr.example.jp/voice", True),
                           ("https://ivr.example.jp:8443/voice", False)]:
        response = client.post("/voice", data=params, base_url="https://ivr.example.jp",
                               headers={"X-Twilio-Signature": sign(signed_url, params)})
        assert (response.status_code == 200) is ok, signed_url


def test_request_without_host_header_is_checked_against_the_server_name(app):
    params = call_params()
    body = urlencode(params).encode()
    environ = EnvironBuilder(path="/voice", method="POST", base_url="http://ivr.internal", data=body,
                             content_type="application/x-www-form-urlencoded",
                             headers={"X-Twilio-Signature": sign("http://ivr.internal/voice", params)},
                             ).get_environ()
    del environ["HTTP_HOST"]
    statuses = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"]


def test_a_line_mounted_under_a_prefix_is_checked_at_its_full_url(client):
    params = call_params(Digits="1")
    path = "/voice/step?m=top&s=0&f=0"
    signed = "https://ivr.example.jp/line" + path
    response = client.post(path, data=params, base_url="https://ivr.example.jp/line/",
                           headers={"X-Twilio-Signature": sign(signed, params)})
    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Gather").get("action").startswith("/line/voice/step?")
    refused = client.post(path, data=params, base_url="https://ivr.example.jp/line/",
                          headers={"X-Twilio-Signature": sign("https://ivr.example.jp" + path, params)})
    assert refused.status_code == 403


def test_another_token_other_values_and_extra_fields_are_refused(client):
    params = call_params(Digits="1")
    path = "/voice/step?m=top&s=0&f=0"
    url = BASE + path
    good = sign(url, params)
    assert client.post(path, data=params, base_url=BASE, headers={"X-Twilio-Signature": good}).status_code == 200
    forged = [
        (params, sign(url, params, token="another-token")),
        (dict(params, Digits="2"), good),
        (MultiDict(list(params.items()) + [("Digits", "2")]), good),
        (dict(params, Extra="x"), good),
        (params, ""),
    ]
    for data, signature in forged:
        response = client.post(path, data=data, base_url=BASE, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 403, (data, signature)


def test_escaped_query_is_checked_as_twilio_sent_it(client):
    # Twilio signs the URL as it sent it; werkzeug's request.url would decode %2A to *.
    params = call_params(Digits="9")
    path = "/voice/step?m=ads&k=%2A&s=0&f=0"
    response = client.post(path, data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + path, params)})
    twiml(response)
    decoded = client.post(path, data=params, base_url=BASE,
                          headers={"X-Twilio-Signature": sign(BASE + "/voice/step?m=ads&k=*&s=0&f=0", params)})
    assert decoded.status_code == 403
