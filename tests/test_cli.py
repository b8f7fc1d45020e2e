"""The ivr command, through click's test runner."""

from __future__ import annotations

import os

import pytest

from helpers import ROUTES

from ivr.command import main


def test_call_scripted_and_pinned_in_time(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30",
                                  "--keys", "4,1", "--dial-status", "busy"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("SAY      迷惑メール相談のご案内です。")
    assert lines[1] == "PRESS    4"
    assert "今すぐおつなぎするには1を" in lines[2]
    assert lines[3] == "PRESS    1"
    assert lines[5] == "DIAL     +81359740068 (DialCallStatus=busy)"
    assert lines[6].startswith("SAY      申し訳ありません。おつなぎできませんでした。")
    assert lines[-1] == "HANGUP   caller hangs up"


def test_call_on_a_holiday_hears_the_next_opening(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-11-23 11:00",
                                  "--keys", "4"])
    assert "次の受付は、11月24日火曜日の午前10時からです。" in result.output
    assert "おつなぎ" not in result.output


def test_call_interactive_reads_keys_from_the_terminal(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30"],
                           input="1\n1\n\n")
    assert result.exit_code == 0
    assert "番号は、イチ、ハチ、ハチです。消費者ホットラインです。" in result.output
    assert "SILENCE  (no key)" in result.output
    assert result.output.rstrip().endswith("HANGUP   line hangs up")


def test_call_silence_twice_ends_with_188(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--keys", "-,-"])
    assert "もう一度ご案内します。" in result.output
    assert "イチ、ハチ、ハチにおかけください" in result.output
    assert result.output.rstrip().endswith("HANGUP   line hangs up")


def test_call_rejects_a_bad_time(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "tomorrow"])
    assert result.exit_code == 2
    assert "is not a Japan time" in result.output


def test_check_accepts_the_shipped_file(runner):
    result = runner.invoke(main, ["check", str(ROUTES)])
    assert result.exit_code == 0
    assert "OK (4 menus, 10 desks" in result.output


def test_check_names_line_and_key_of_a_broken_file(runner, tmp_path):
    broken = tmp_path / "routes.yaml"
    broken.write_text(ROUTES.read_text("utf-8").replace("        desk: ipa\n", "        desk: ipa_\n", 1), "utf-8")
    result = runner.invoke(main, ["check", str(broken)])
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(broken.read_text("utf-8").splitlines(), 1) if "ipa_" in text)
    assert f"{broken}:{line}: menus.billing.options.\"2\".desk: unknown desk 'ipa_'; known: antiphishing, center" in result.output


def test_serve_refuses_to_start_without_a_token(runner, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("IVR_DEV", raising=False)
    monkeypatch.setenv("IVR_ROUTES", str(ROUTES))
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "TWILIO_AUTH_TOKEN is not set" in result.output
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ, "a refused start leaves no metrics setting behind"


def test_serve_refuses_a_broken_routes_file(runner, monkeypatch, tmp_path):
    broken = tmp_path / "routes.yaml"
    broken.write_text("version: 1\n", "utf-8")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x")
    monkeypatch.setenv("IVR_ROUTES", str(broken))
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 1
    assert f"{broken}:1: missing 'line'" in result.output


def test_every_command_explains_itself(runner):
    for command in ([], ["call"], ["check"], ["serve"]):
        result = runner.invoke(main, command + ["--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_a_call_from_the_terminal_leaves_no_record(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("IVR_RECORDS_DB", raising=False)
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--keys", "6"])
    assert result.exit_code == 0
    assert "消費者ホットライン" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_terminal_phone_takes_full_width_digits_and_several_keys_on_a_line(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30"],
                           input="１\n1 1\n\n")
    assert result.exit_code == 0, result.output
    presses = [line for line in result.output.splitlines() if line.startswith(("PRESS", "SPEAK"))]
    assert presses == ["PRESS    1", "PRESS    1", "PRESS    1"]
    assert "番号は、イチ、ハチ、ハチです。" in result.output  # 1 → 1: the hotline, then 1 at its answer
    assert "その番号は選択できません。" in result.output


@pytest.mark.parametrize("typed, keys", [
    ("１", ["1"]), ("11", ["1", "1"]), ("1 1", ["1", "1"]), ("1,1", ["1", "1"]), ("１、＃", ["1", "#"]),
    ("", []), ("  ", []), ("もう一度", None), ("1番", None),
])
def test_typed_keys_are_keys_and_anything_else_is_words(typed, keys):
    from ivr.operators.phone import typed_keys

    assert typed_keys(typed) == keys


def test_scripted_keys_may_say_words_at_any_step(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30",
                                  "--keys", "4,もう一度,０"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "SPEAK    もう一度" in lines and "PRESS    0" in lines
    said = [line for line in lines if line.startswith("SAY")]
    assert said[1] == said[2]  # the answer, then the answer again for the words


# -- serve and call in Japanese (LANG=ja_JP.UTF-8); English stays the default --------------------

JA = {"LANG": "ja_JP.UTF-8"}
EN = {"LANG": "C.UTF-8"}


def test_serve_says_why_it_cannot_start_in_japanese(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("IVR_ROUTES", str(ROUTES))
    no_token = runner.invoke(main, ["serve"], env=JA)
    assert no_token.exit_code == 1
    assert no_token.stderr == ("ivr serve：起動できません：\nTWILIO_AUTH_TOKEN が設定されていません。このままでは、"
                               "リクエストが Twilio から届いたものか確かめられません。設定するか、手元の開発用モード"
                               "（ivr serve --dev）で起動してください。\n")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x")
    refusals = [
        ({"IVR_TRUSTED_PROXIES": "two"}, "IVR_TRUSTED_PROXIES='two' が整数になっていません。整数を設定してください",
         "IVR_TRUSTED_PROXIES='two' is not a whole number"),
        ({"IVR_RECORDS_TIMEOUT": "5s"}, "IVR_RECORDS_TIMEOUT='5s' が数値になっていません。数値を設定してください",
         "IVR_RECORDS_TIMEOUT='5s' is not a number"),
        ({"IVR_METRICS_BIND": "9464"}, "IVR_METRICS_BIND='9464' は「ホスト:ポート」（例：0.0.0.0:9464）でも off でも"
         "ありません", "IVR_METRICS_BIND='9464' is not HOST:PORT (e.g. 0.0.0.0:9464) or off"),
        ({"IVR_SMS_FROM": "+815012345678", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "IVR_CALLER_HASH_KEY": "k",
          "IVR_RECORDS_DB": str(tmp_path / "r.sqlite3"), "IVR_SMS_PER_DAY": "many"},
         "IVR_SMS_PER_DAY='many' がメッセージの件数（0以上の整数）になっていません",
         "IVR_SMS_PER_DAY='many' is not a whole number of messages"),
        ({"IVR_SMS_FROM": "+815012345678"},
         "IVR_SMS_FROM が設定されていますが、ショートメッセージを送るには次の設定も必要です：TWILIO_ACCOUNT_SID、"
         "IVR_CALLER_HASH_KEY（上限は発信者を鍵付きハッシュで数えるため）、通話記録のデータベース（上限はこれを"
         "通じて共有します。IVR_RECORDS_DB が off になっています）",
         "IVR_SMS_FROM is set, but text messages also need: TWILIO_ACCOUNT_SID, IVR_CALLER_HASH_KEY (the limits "
         "count callers by their keyed hash), a records database (the limits are shared through it; "
         "IVR_RECORDS_DB is off)"),
        ({"IVR_SMS_FROM": "0312345678", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "IVR_CALLER_HASH_KEY": "k",
          "IVR_RECORDS_DB": str(tmp_path / "r.sqlite3")},
         "IVR_SMS_FROM='0312345678' は、E.164 形式の電話番号（+815012345678）、英数字の送信者ID（英字・数字・空白で"
         "1〜11文字、英字を1つ以上含む）、Messaging Service の SID（MG と16進数32桁）のどれでもありません",
         "IVR_SMS_FROM='0312345678' is neither a number in E.164 form (+815012345678), an alphanumeric sender ID "
         "(1 to 11 letters, digits or spaces, with a letter) nor a Messaging Service SID (MG and 32 hex digits)"),
    ]
    for env, japanese, english in refusals:
        said = runner.invoke(main, ["serve"], env={**env, **JA})
        assert (said.exit_code, said.stderr) == (1, f"ivr serve：起動できません：\n{japanese}\n"), env
        said = runner.invoke(main, ["serve"], env={**env, **EN})
        assert (said.exit_code, said.stderr) == (1, f"ivr serve: cannot start:\n{english}\n"), env
    broken = tmp_path / "routes.yaml"
    broken.write_text(ROUTES.read_text("utf-8").replace("        desk: ipa\n", "        desk: ipa_\n", 1), "utf-8")
    refused = runner.invoke(main, ["serve"], env={"IVR_ROUTES": str(broken), **JA})
    assert refused.exit_code == 1 and refused.stderr.startswith("ivr serve：起動できません：\n")
    assert "窓口 'ipa_' はありません" in refused.stderr and "unknown desk" not in refused.stderr
    assert list(tmp_path.iterdir()) == [broken], "a refused start leaves no records file"


def test_serve_dev_warns_in_japanese(runner, monkeypatch):
    ran = []
    monkeypatch.setattr("flask.Flask.run", lambda app, **where: ran.append(where))
    monkeypatch.setenv("IVR_ROUTES", str(ROUTES))
    monkeypatch.setenv("IVR_METRICS_BIND", "off")
    result = runner.invoke(main, ["serve", "--dev", "--port", "8123"], env=JA)
    assert result.exit_code == 0 and ran == [{"host": "127.0.0.1", "port": 8123, "debug": False}]
    assert result.stderr.splitlines()[:5] == [
        "*" * 72, "  開発用モードです。本番では使わないでください。",
        "  TWILIO_AUTH_TOKEN がないと、リクエストが Twilio から届いたものか", "  署名で確かめません。", "*" * 72]
    english = runner.invoke(main, ["serve", "--dev", "--port", "8123"], env=EN)
    assert english.stderr.splitlines()[1] == ("  DEVELOPMENT MODE: not for production. Without TWILIO_AUTH_TOKEN "
                                              "requests")


def test_the_version_is_said_in_the_operators_language(runner):
    from importlib.metadata import version

    installed = version("meiwaku-ivr")
    japanese = runner.invoke(main, ["--version"], env=JA)
    assert japanese.exit_code == 0 and japanese.stdout == f"ivr バージョン {installed}\n"
    english = runner.invoke(main, ["--version"], env=EN)
    assert english.exit_code == 0 and english.stdout == f"ivr, version {installed}\n"


def test_call_speaks_japanese_under_a_japanese_locale(runner):
    result = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30",
                                  "--keys", "4,1", "--dial-status", "busy"], env=JA)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("案内     迷惑メール相談のご案内です。")
    assert lines[1] == "キー     4"
    assert lines[5] == "転送     +81359740068 (DialCallStatus=busy)"
    assert lines[-1] == "終話     発信者が電話を切りました"
    typed = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30"], input="1\n1\n\n",
                          env=JA)
    assert "無言     （キー入力なし）" in typed.output
    assert typed.output.rstrip().endswith("終話     回線側が電話を切りました")
    assert ("キー（0〜9、*、#。1 1 で2回）か言葉を入力してください。Enter だけで無言、q で電話を切ります: "
            in typed.output)
    assert "SAY" not in typed.output and "key (0-9" not in typed.output
    english = runner.invoke(main, ["call", "--routes", str(ROUTES), "--at", "2026-12-01 10:30"], input="q\n",
                            env=EN)
    assert "key (0-9 * #; 1 1 for two), or words; Enter = silence; q = hang up: " in english.output
    assert english.output.rstrip().endswith("HANGUP   caller hangs up")


def test_call_from_a_mobile_prints_the_message_in_japanese(runner):
    mobile = "+819012345678"
    result = runner.invoke(main, ["call", "--from", mobile, "--keys", "4,2", "--at", "2026-12-01 10:30"], env=JA)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index(f"SMS      {mobile} 宛て：")
    assert lines[at - 1] == "キー     2" and lines[at + 1].startswith(" " * 9)


def test_the_terminal_phone_says_its_events_in_either_language():
    from ivr.core.notices import notice
    from ivr.operators.phone import Event

    words = Event("speak", notice("%(words)s (not listened for here: heard as silence)", words="もしもし"))
    assert str(words) == "SPEAK    もしもし (not listened for here: heard as silence)"
    assert words.text_in("ja") == "発話     もしもし（ここでは言葉を聞き取らないため、無言として扱われます）"
    failed = Event("error", notice("HTTP %(status)s from %(path)s", status=500, path="/voice/step"))
    assert (str(failed), failed.text_in("ja")) == ("ERROR    HTTP 500 from /voice/step",
                                                   "エラー   /voice/step から HTTP 500 が返りました")
    ended = Event("hangup", notice("end of instructions"))
    assert (str(ended), ended.text_in("ja")) == ("HANGUP   end of instructions", "終話     TwiML の指示が終わりました")
