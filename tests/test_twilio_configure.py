"""`ivr twilio configure` against a local stand-in for Twilio built from Twilio's OpenAPI description.

Stoplight Prism serves the spec on loopback and refuses (422) any request that breaks it; a small
recording proxy in front of it keeps each request exactly as it went over the wire (the `prism`
and `twilio` fixtures, in twilio_stand_ins.py).
"""

from __future__ import annotations

import base64
import http.client
import json
import re
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


# -- in Japanese (LANG=ja_JP.UTF-8); English stays the default -------------------------------

JA = {"LANG": "ja_JP.UTF-8"}
EN = {"LANG": "C.UTF-8"}
CREDENTIALS = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN}


def configure_ja(runner, url: str, *args: str, account: str = ACCOUNT):
    env = {"TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": TOKEN, **JA}
    return runner.invoke(main, ["twilio", "configure", "--url", LINE, "--fallback-url", FALLBACK,
                                "--api-url", url, *args], env=env)


@needs_prism
def test_configure_speaks_japanese_under_a_japanese_locale(runner, twilio, prism):
    url, seen = twilio
    number = stand_in_number(prism)["phone_number"]
    dry = configure_ja(runner, url, "--number", number, "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert re.fullmatch(rf"\{number}：\d件の設定が変更の対象です（--dry-run のため、まだ変更していません）", lines[0])
    assert f"  StatusCallback：（未設定） → {LINE}/voice/status" in lines
    changed = configure_ja(runner, url, "--number", number)
    assert changed.exit_code == 0, changed.output
    assert re.fullmatch(rf"\{number}：\d件の設定を変更しました", changed.output.splitlines()[0])
    assert f"  VoiceUrl：（未設定） → {LINE}/voice" in changed.output.splitlines()
    assert "setting" not in changed.output and "->" not in changed.output
    missing = configure_ja(runner, url, "--number", "+815012345678")
    assert missing.exit_code == 1
    assert missing.stderr == f"ivr twilio configure：+815012345678 はアカウント {ACCOUNT} の電話番号ではありません\n"
    refused = configure_ja(runner, url, "--number", "+18089255327", account="AC-not-an-account")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("ivr twilio configure：Twilio に断られました：") and "422" in refused.stderr


def test_configure_says_in_japanese_when_nothing_changes_or_twilio_cannot_be_reached(runner, monkeypatch):
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens
    args = ["twilio", "configure", "--number", "+815012345678", "--url", LINE, "--fallback-url", FALLBACK,
            "--api-url", unreachable]
    cannot = runner.invoke(main, args, env={**CREDENTIALS, **JA})
    assert cannot.exit_code == 1
    assert cannot.stderr.startswith(f"ivr twilio configure：{unreachable} に接続できません：")
    english = runner.invoke(main, args, env={**CREDENTIALS, **EN})
    assert english.stderr.startswith(f"ivr twilio configure: cannot reach {unreachable}: ")
    monkeypatch.setattr("ivr.operators.twilio_setup.configure_number", lambda *a: [])
    done = runner.invoke(main, args, env={**CREDENTIALS, **JA})
    assert done.exit_code == 0 and done.output == "+815012345678：すでに設定済みです。変更はありません\n"
    english = runner.invoke(main, args, env={**CREDENTIALS, **EN})
    assert english.output == "+815012345678: already set up, nothing to change\n"


@pytest.mark.parametrize("args, japanese, english", [
    (["--number", "0312345678", "--url", LINE],
     "エラー：--number の値が正しくありません：'0312345678' は E.164 形式の番号ではありません。"
     "+815012345678 のように + と国番号から書いてください",
     "Error: Invalid value for --number: '0312345678' is not an E.164 number like +815012345678"),
    (["--number", "+815012345678", "--url", "http://line.example.jp"],
     "エラー：--url の値が正しくありません：'http://line.example.jp' は https:// で始まる完全な URL ではありません",
     "Error: Invalid value for --url: 'http://line.example.jp' is not an absolute https URL"),
    (["--number", "+815012345678", "--url", LINE, "--fallback-url", "static.example.jp/fallback.xml"],
     "エラー：--fallback-url の値が正しくありません：'static.example.jp/fallback.xml' は https:// か http:// "
     "で始まる完全な URL ではありません",
     "Error: Invalid value for --fallback-url: 'static.example.jp/fallback.xml' is not an absolute https or "
     "http URL"),
], ids=["number", "url", "fallback-url"])
def test_bad_arguments_are_refused_in_japanese_too(runner, args, japanese, english):
    command = ["twilio", "configure", "--fallback-url", FALLBACK, "--api-url", "http://127.0.0.1:9", *args]
    said = runner.invoke(main, command, env={**CREDENTIALS, **JA}, prog_name="ivr")
    assert said.exit_code == 2 and said.output.splitlines()[0] == japanese
    assert said.output.splitlines()[1] == "使い方は「ivr twilio configure --help」で確かめられます（説明は英語です）。"
    assert runner.invoke(main, command, env={**CREDENTIALS, **EN}).output.splitlines()[-1] == english


def test_credentials_are_asked_for_in_japanese(runner):
    result = runner.invoke(main, ["twilio", "configure", "--number", "+815012345678", "--url", LINE,
                                  "--fallback-url", FALLBACK, "--api-url", "http://127.0.0.1:9"], env=JA)
    assert result.exit_code == 2
    assert result.stderr == "ivr twilio configure：TWILIO_ACCOUNT_SID と TWILIO_AUTH_TOKEN を設定してください\n"


def test_fallback_writes_the_document_and_says_its_refusals_in_japanese(runner, tmp_path):
    from helpers import ROUTES

    from ivr.operators.twilio_setup import fallback_twiml

    printed = runner.invoke(main, ["twilio", "fallback", "--routes", str(ROUTES)], env=JA)
    assert printed.exit_code == 0 and printed.stdout == fallback_twiml(str(ROUTES))
    written = tmp_path / "fallback.xml"
    result = runner.invoke(main, ["twilio", "fallback", "--routes", str(ROUTES), "-o", str(written)], env=JA)
    assert result.exit_code == 0 and result.output == ""
    assert written.read_text("utf-8") == fallback_twiml(str(ROUTES))
    broken = tmp_path / "routes.yaml"
    broken.write_text(ROUTES.read_text("utf-8").replace("        desk: ipa\n", "        desk: ipa_\n", 1), "utf-8")
    untouched = tmp_path / "kept.xml"
    untouched.write_text("kept", "utf-8")
    refused = runner.invoke(main, ["twilio", "fallback", "--routes", str(broken), "-o", str(untouched)], env=JA)
    assert refused.exit_code == 1 and "窓口 'ipa_' はありません" in refused.stderr
    assert untouched.read_text("utf-8") == "kept", "a refused file leaves the document as it was"
    english = runner.invoke(main, ["twilio", "fallback", "--routes", str(broken)], env=EN)
    assert english.exit_code == 1 and "unknown desk 'ipa_'" in english.stderr
    nowhere = tmp_path / "missing" / "fallback.xml"
    unwritable = runner.invoke(main, ["twilio", "fallback", "--routes", str(ROUTES), "-o", str(nowhere)], env=JA)
    assert unwritable.exit_code == 1 and unwritable.stderr.startswith(f"エラー：{nowhere} に書き込めません：")
