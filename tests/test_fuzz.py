"""Arbitrary requests, signed and unsigned, to every endpoint: never a 5xx, always valid TwiML."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from helpers import BASE, sign, twiml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records_helpers import drained, record_app, stored

from ivr.core.events import CALL_SID

WEBHOOKS = ["/voice", "/voice/step", "/voice/dialed"]
ENDPOINTS = WEBHOOKS + ["/voice/status", "/metrics", "/healthz"]
FIELDS = ["CallSid", "From", "To", "Digits", "DialCallStatus", "CallStatus", "CallDuration",
          "AccountSid"]
QUERY_KEYS = ["m", "k", "s", "f"]
SKIPPED_HEADERS = {"host", "content-type", "content-length", "transfer-encoding",
                   "x-twilio-signature", "x-forwarded-for", "x-forwarded-proto",
                   "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix"}

texts = st.text(max_size=40)
call_sids = st.one_of(st.just("CA" + "ab" * 16), st.from_regex(r"CA[0-9a-f]{32}", fullmatch=True),
                      texts)
small_ints = st.one_of(st.integers(-3, 12).map(str), texts)
paths = st.one_of(st.sampled_from(ENDPOINTS), st.sampled_from(ENDPOINTS).map(lambda p: p + "/"),
                  # Not "//…": the test client would read what follows as a host name.
                  st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#%"),
                          max_size=30).filter(lambda p: not p.startswith("/")).map(lambda p: "/" + p))
queries = st.fixed_dictionaries({}, optional={
    "m": st.one_of(st.sampled_from(["top", "scam", "abuse", "billing", "nowhere", ""]), texts),
    "k": st.one_of(st.sampled_from(["1", "2", "3", "4", "9", "0", "*"]), texts),
    "s": small_ints, "f": small_ints,
}) | st.dictionaries(texts, texts, max_size=3)
forms = st.fixed_dictionaries({"CallSid": call_sids}, optional={
    "From": st.one_of(st.just("+819011112222"), texts),
    "Digits": st.one_of(st.sampled_from(["", "1", "2", "9", "0", "*", "#", "12", " 1 "]), texts),
    "DialCallStatus": st.one_of(st.sampled_from(["completed", "busy", "no-answer", "failed",
                                                 "canceled", "answered"]), texts),
    "CallStatus": st.one_of(st.sampled_from(["completed", "busy", "no-answer", "failed",
                                             "canceled", "ringing"]), texts),
    "CallDuration": st.one_of(st.integers(-5, 10**6).map(str), texts),
}) | st.dictionaries(texts, texts, max_size=3)
headers = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True).filter(
        lambda h: h.lower() not in SKIPPED_HEADERS),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40), max_size=4)


def test_arbitrary_requests(tmp_path, clock):
    database = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    app = record_app(database, clock)
    client = app.test_client()
    statuses: Counter = Counter()
    answered_steps: Counter = Counter()  # CallSid → webhook steps answered with TwiML

    @settings(max_examples=1000, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(method=st.sampled_from(["POST", "POST", "POST", "GET"]), path=paths, query=queries,
           form=forms, extra_headers=headers, signed=st.booleans())
    def one(method, path, query, form, extra_headers, signed):
        target = path + ("?" + urlencode(query) if query else "")
        sent_headers = dict(extra_headers)
        if signed:
            sent_headers["X-Twilio-Signature"] = sign(BASE + target, form if method == "POST" else {})
        response = client.open(target, method=method, base_url=BASE, headers=sent_headers,
                               data=form if method == "POST" else None)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (target, form, response.data)
        if response.status_code == 200 and path in WEBHOOKS:
            twiml(response)
            if CALL_SID.fullmatch(form.get("CallSid", "")):
                answered_steps[form["CallSid"]] += 1

    one()
    drained(app)
    _, steps = stored(database)
    assert statuses[200] > 20 and statuses[403] > 20, statuses
    assert Counter(s["call_sid"] for s in steps) == answered_steps
