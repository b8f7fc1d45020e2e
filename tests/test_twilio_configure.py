"""`ivr twilio configure` against a local stand-in for Twilio built from Twilio's OpenAPI description.

Stoplight Prism serves the spec on loopback and refuses (422) any request that breaks it; a small
recording proxy in front of it keeps each request exactly as it went over the wire (the `prism`
and `twilio` fixtures, in twilio_stand_ins.py).
"""

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import urlsplit

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from ivr.command import main
from ivr.operators.twilio_setup import wanted_settings

from twilio_stand_ins import ACCOUNT, needs_prism

TOKEN = "stand-in-token"
LINE = "https://line.example.jp"
FALLBACK = "https://static.example.jp/ivr/fallback.xml"


def stand_in_number(url: str) -> dict:
    """The one number the stand-in's account has, as Twilio's API describes it."""
    connection = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=30)
    auth = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    connection.request("GET", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json",
                       headers={"Authorization": f"Basic {auth}"})
    numbers = json.loads(connection.getresponse().read())["incoming_phone_numbers"]
    connection.close()
    assert len(numbers) == 1
    return numbers[0]


def configure(runner, url: str, *args: str, account: str = ACCOUNT):
    env = {"TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": TOKEN}
    return runner.invoke(main, ["twilio", "configure", "--url", LINE, "--fallback-url", FALLBACK,
                                "--api-url", url, *args], env=env)


WANTED_FORM = {
    "VoiceUrl": [f"{LINE}/voice"],
    "VoiceMethod": ["POST"],
    "VoiceFallbackUrl": [FALLBACK],
    "VoiceFallbackMethod": ["GET"],
    "StatusCallback": [f"{LINE}/voice/status"],
    "StatusCallbackMethod": ["POST"],
}


@needs_prism
def test_configure_points_the_number_at_the_line(runner, twilio, prism):
    url, seen = twilio
    number = stand_in_number(prism)
    result = configure(runner, url, "--number", number["phone_number"])
    assert result.exit_code == 0, result.output

    lookup, update = seen
    assert (lookup["method"], lookup["path"]) == ("GET", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json")
    assert lookup["query"]["PhoneNumber"] == [number["phone_number"]]
    assert (update["method"], update["path"]) == (
        "POST", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{number['sid']}.json")
    assert update["content_type"].startswith("application/x-www-form-urlencoded")
    assert update["form"] == WANTED_FORM
    assert [r["status"] for r in seen] == [200, 200], "the stand-in accepted both requests as valid"
    for request in seen:
        assert base64.b64decode(request["authorization"].removeprefix("Basic ")).decode() == f"{ACCOUNT}:{TOKEN}"

    before = {"VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
              "VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method",
              "StatusCallback": "status_callback", "StatusCallbackMethod": "status_callback_method"}
    changed = sorted(p for p, a in before.items() if number[a] != WANTED_FORM[p][0])
    lines = result.output.splitlines()
    assert lines[0] == f"{number['phone_number']}: changed {len(changed)} setting(s)"
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == changed
    assert f"  VoiceUrl: (not set) -> {LINE}/voice" in lines  # the stand-in's number has no VoiceUrl


@needs_prism
def test_dry_run_reads_but_changes_nothing(runner, twilio, prism):
    url, seen = twilio
    number = stand_in_number(prism)["phone_number"]
    result = configure(runner, url, "--number", number, "--dry-run")
    assert result.exit_code == 0, result.output
    assert [r["method"] for r in seen] == ["GET"]
    assert result.output.splitlines()[0].startswith(f"{number}: would change ")
    assert f"  StatusCallback: (not set) -> {LINE}/voice/status" in result.output.splitlines()


@needs_prism
def test_a_number_the_account_does_not_have_is_not_touched(runner, twilio):
    url, seen = twilio
    result = configure(runner, url, "--number", "+815012345678")
    assert result.exit_code == 1
    assert "+815012345678 is not a phone number of account" in result.output
    assert [r["method"] for r in seen] == ["GET"]


@needs_prism
def test_a_refusal_from_twilio_is_reported_not_raised(runner, twilio):
    url, seen = twilio
    result = configure(runner, url, "--number", "+18089255327", account="AC-not-an-account")
    assert result.exit_code == 1
    assert "Twilio refused" in result.output and "422" in result.output
    assert [r["status"] for r in seen] == [422]


@needs_prism
def test_the_stand_in_refuses_a_malformed_update_with_422(twilio, prism):
    url, seen = twilio
    client = Client(ACCOUNT, TOKEN)
    client.api.base_url = url
    sid = stand_in_number(prism)["sid"]
    with pytest.raises(TwilioRestException) as refused:
        client.incoming_phone_numbers(sid).update(voice_method="FETCH")
    assert refused.value.status == 422
    assert seen[-1]["form"] == {"VoiceMethod": ["FETCH"]}
    client.incoming_phone_numbers(sid).update(voice_method="POST")
    assert seen[-1]["status"] == 200


def test_webhooks_hang_off_the_line_url():
    wanted = {s.parameter: v for s, v in wanted_settings(LINE + "/", FALLBACK, "GET").items()}
    assert wanted == {key: value[0] for key, value in WANTED_FORM.items()}


@pytest.mark.parametrize("args, complaint", [
    (["--number", "0312345678", "--url", LINE], "not an E.164 number"),
    (["--number", "+815012345678", "--url", "http://line.example.jp"], "not an absolute https URL"),
    (["--number", "+815012345678", "--url", "line.example.jp"], "not an absolute https URL"),
])
def test_bad_arguments_are_refused_before_calling_twilio(runner, args, complaint):
    result = runner.invoke(main, ["twilio", "configure", "--fallback-url", FALLBACK,
                                  "--api-url", "http://127.0.0.1:9", *args],
                           env={"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert complaint in result.output


def test_credentials_come_from_the_environment(runner, monkeypatch):
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    result = runner.invoke(main, ["twilio", "configure", "--number", "+815012345678", "--url", LINE,
                                  "--fallback-url", FALLBACK, "--api-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in result.output
