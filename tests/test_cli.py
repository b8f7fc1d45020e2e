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
