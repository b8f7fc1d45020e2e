"""The webhook's own form reading and signature check agree with werkzeug's and Twilio's."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlencode

from helpers import BASE, TOKEN, call_params, sign, twiml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from ivr.web.forms import WebhookRequest, parse_urlencoded
from ivr.web.signature import is_signed, requested_url, signature

names = st.text(min_size=1, max_size=12)
values = st.text(max_size=20)
field_lists = st.lists(st.tuples(names | st.sampled_from(["Digits", "From", "To"]), values), max_size=12)
# Raw bodies: the characters that matter to the format, escapes good and bad, and any text.
raw_bodies = st.lists(
    st.sampled_from(["&", "=", "+", "%", "%2B", "%E3%81%82", "%E3%81", "%zz", "%%", "a", "あ", " ", ";"])
    | st.text(max_size=6), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(fields=field_lists)
def test_signature_is_twilios(fields):
    url = BASE + "/voice/step?m=top&s=0&f=0"
    assert signature(TOKEN, url, fields) == RequestValidator(TOKEN).compute_signature(url, MultiDict(fields))


@settings(max_examples=500, deadline=None)
@given(body=raw_bodies)
def test_form_parser_reads_as_werkzeug_does(body):
    assert parse_urlencoded(body) == parse_qsl(body, keep_blank_values=True, errors="werkzeug.url_quote")
    sent = body.encode("utf-8", "surrogatepass")
    environ = EnvironBuilder(method="POST", data=sent, content_type="application/x-www-form-urlencoded").get_environ()
    ours = WebhookRequest(dict(environ, **{"wsgi.input": io.BytesIO(sent)}))
    theirs = Request(dict(environ, **{"wsgi.input": io.BytesIO(sent)}))
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))


def test_other_bodies_are_left_to_werkzeug(client):
    environ = EnvironBuilder(method="POST", data={"Digits": "1", "From": "+81"},
                             content_type="multipart/form-data").get_environ()
    assert WebhookRequest(environ).mimetype == "multipart/form-data"
    assert WebhookRequest(environ).form.to_dict() == {"Digits": "1", "From": "+81"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["Digits", "From", "To", "CallerName", "Extra"]), values,
                              max_size=5),
       menu=st.text(min_size=1, max_size=8))
def test_any_signed_form_and_query_is_accepted(client, fields, menu):
    params = call_params(**fields)
    path = "/voice/step?" + urlencode({"m": menu, "s": "0", "f": "0"})
    response = client.post(path, data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + path, params)})
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
    assert requested_url(environ) is None
    statuses = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"]


def test_requested_url_is_the_url_as_received():
    plain = EnvironBuilder(path="/voice/step", query_string="m=top&k=1&s=0&f=0",
                           base_url="https://ivr.example.jp/line/").get_environ()
    assert requested_url(plain) == "https://ivr.example.jp/line/voice/step?m=top&k=1&s=0&f=0"
    assert requested_url(plain) == Request(plain).url
    # Twilio signs the URL as it sent it; werkzeug's request.url would decode %2A to *.
    escaped = dict(plain, QUERY_STRING="m=top&k=%2A&s=0&f=0")
    assert requested_url(escaped).endswith("?m=top&k=%2A&s=0&f=0")


def test_is_signed_refuses_another_token_and_other_fields():
    fields = [("Digits", "1"), ("From", "+819011112222")]
    url = BASE + "/voice/step?m=top&s=0&f=0"
    good = RequestValidator(TOKEN).compute_signature(url, dict(fields))
    assert is_signed(TOKEN, url, fields, good)
    assert not is_signed("another-token", url, fields, good)
    assert not is_signed(TOKEN, url, [("Digits", "2"), ("From", "+819011112222")], good)
    assert not is_signed(TOKEN, url, fields + [("Digits", "2")], good)


def test_escaped_query_is_checked_as_twilio_sent_it(client):
    params = call_params(Digits="9")
    path = "/voice/step?m=ads&k=%2A&s=0&f=0"
    response = client.post(path, data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": sign(BASE + path, params)})
    twiml(response)
