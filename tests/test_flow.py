"""The call flow as a pure function of routes, position, keys and time."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr.core.flow import Position
from ivr.core.hours import JAPAN
from ivr.core.paths import walk
from ivr.core.readings import Slow, plain

OPEN = datetime(2026, 12, 1, 10, 30, tzinfo=JAPAN)      # Tuesday morning
LUNCH = datetime(2026, 12, 1, 12, 15, tzinfo=JAPAN)
YEAR_END = datetime(2026, 12, 29, 10, 30, tzinfo=JAPAN)
SCOPE = "センターの電話相談は広告メールだけです。"

EXPECTED_PATHS = {
    ("1", "1"): "center",
    ("1", "2"): "info",
    ("2", "1"): "child_sos",
    ("2", "2"): "jinken",
    ("2", "3"): "police",
    ("2", "4"): "kotaeru",
    ("3", "1"): "jiaa",
    ("3", "2"): "hotline",
    ("4",): "antiphishing",
    ("5",): "ipa",
    ("6",): "sns",
    ("7",): "hotline",
}


def follow(flow, keys, now=OPEN):
    """Press keys from the start of a call; return the last step."""
    step = flow.start(now)
    for key in keys:
        step = flow.press(step.listen, key, now)
    return step


def text(step) -> str:
    return plain(step.speech)


def test_each_path_reaches_its_desk(flow):
    reached = {path.keys: path.desk for path in walk(flow, OPEN)}
    assert reached == EXPECTED_PATHS
    for keys, desk in EXPECTED_PATHS.items():
        step = follow(flow, keys)
        assert step.desk == desk and step.outcome == "answer"


def test_every_desk_is_within_three_presses(flow, routes):
    depth = {}
    for path in walk(flow, OPEN):
        depth[path.desk] = min(depth.get(path.desk, 9), len(path.keys))
    assert set(depth) == set(routes.desks)
    assert max(depth.values()) <= 3


def test_greeting_names_the_line_then_the_top_menu(flow):
    step = flow.start(OPEN)
    said = text(step)
    assert said.startswith("迷惑メール相談のご案内です。")
    assert "広告や宣伝メールは1、" in said
    assert said.endswith("繰り返しは9を押してください。")
    assert step.listen == Position("top")


@pytest.mark.parametrize("keys", [k for k, d in EXPECTED_PATHS.items() if d not in ("center", "info")
                                  and k != ("7",)])
def test_out_of_scope_answers_start_with_the_scope_statement(flow, keys):
    assert text(follow(flow, keys)).startswith(SCOPE)


def test_in_scope_answers_say_what_the_center_takes(flow):
    center = text(follow(flow, ["1", "1"]))
    assert SCOPE not in center
    assert "広告や宣伝を目的としたメールのご相談をお受けしています" in center
    info = text(follow(flow, ["1", "2"]))
    assert "情報を集めています" in info and "対象外" in info


def test_number_is_given_twice_with_name_hours_and_cost(flow):
    step = follow(flow, ["1", "1"])
    numbers = [s for s in step.speech if isinstance(s, Slow)]
    assert [n.written for n in numbers] == ["03-5974-0068", "03-5974-0068"]
    said = text(step)
    assert "迷惑メール相談センターの電話番号は、ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチです。" in said
    assert "平日の午前10時から正午まで、午後1時から午後5時まで" in said
    assert "相談は無料です。通話料はおかけになった方のご負担です。" in said


def test_navi_dial_answer_warns_about_phs_and_ip_phones(flow):
    said = text(follow(flow, ["2", "2"]))
    assert "ゼロゴーナナゼロ、ゼロゼロサン、イチイチゼロ" in said
    assert "一部のアイピー電話からは、つながらないことがあります" in said


def test_phishing_answer_spells_the_address_and_what_to_send(flow):
    step = follow(flow, ["4"])
    assert [s.written for s in step.speech if isinstance(s, Slow)][:2] == ["info@antiphishing.jp"] * 2
    said = text(step)
    assert "件名、本文、差出人" in said
    assert "シャープ、キュウ、イチ、イチ、ゼロ" in said  # money lost → police


def test_police_answer_keeps_110_for_emergencies(flow):
    said = text(follow(flow, ["2", "3"]))
    assert "シャープ、キュウ、イチ、イチ、ゼロ" in said
    assert "緊急のときは、ヒャクトオバンへ" in said


def test_open_desk_offers_transfer_and_dials_e164(flow, routes):
    answer = follow(flow, ["1", "1"])
    assert "今すぐおつなぎするには1を、" in text(answer)
    step = flow.press(answer.listen, "1", OPEN)
    assert step.transfer.number == "+81359740068"
    assert step.transfer.timeout == routes.input.transfer_timeout
    assert step.transfer.then == Position("ads", "1")
    assert step.outcome == "transfer"


@pytest.mark.parametrize("moment, when", [
    (LUNCH, "次の受付は、本日の午後1時からです。"),
    (YEAR_END, "次の受付は、1月4日月曜日の午前10時からです。"),
    (datetime(2026, 11, 28, 15, 0, tzinfo=JAPAN), "次の受付は、11月30日月曜日の午前10時からです。"),
])
def test_closed_desk_says_when_it_opens_and_is_never_dialled(flow, moment, when):
    answer = follow(flow, ["1", "1"], moment)
    said = text(answer)
    assert "ただいまは受付時間外です。" + when in said
    assert "おつなぎ" not in said
    pressed = flow.press(answer.listen, "1", moment)
    assert pressed.transfer is None and pressed.listen is not None
    assert "ただいまは受付時間外です。" in text(pressed)


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_failed_transfer_falls_back_to_number_and_hours(flow, status):
    step = flow.dial_ended(Position("ads", "1"), status, OPEN)
    said = text(step)
    assert said.startswith("申し訳ありません。おつなぎできませんでした。")
    assert "ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチ" in said
    assert "受付時間は" in said
    assert "今すぐおつなぎ" not in said
    assert step.listen == Position("ads", "1") and step.outcome == f"transfer_{status}"


def test_completed_transfer_ends_the_call(flow):
    step = flow.dial_ended(Position("ads", "1"), "completed", OPEN)
    assert step.hangs_up and text(step) == "お電話ありがとうございました。"


def test_unknown_key_says_so_and_repeats_the_menu(flow):
    step = flow.press(Position("top"), "*", OPEN)
    said = text(step)
    assert said.startswith("その番号は選択できません。広告や宣伝メールは1、")
    assert step.listen == Position("top", failures=1)


def test_too_many_wrong_keys_end_politely_with_188(flow, routes):
    step = flow.start(OPEN)
    for _ in range(routes.input.max_failures):
        step = flow.press(step.listen, "#", OPEN)
    assert step.hangs_up and step.outcome == "max_failures"
    assert "消費者ホットライン、イチ、ハチ、ハチにおかけください" in text(step)


def test_silence_repeats_once_then_ends_with_188(flow, routes):
    first = flow.press(Position("top"), "", OPEN)
    assert text(first).startswith("もう一度ご案内します。広告や宣伝メールは1、")
    assert first.listen == Position("top", silences=1)
    last = flow.press(first.listen, "", OPEN)
    assert routes.input.max_silences == 2
    assert last.hangs_up and last.outcome == "no_input"
    assert "イチ、ハチ、ハチ" in text(last)


def test_a_key_resets_nothing_it_should_not(flow):
    step = flow.press(Position("top", silences=1), "2", OPEN)
    assert step.listen == Position("abuse")


def test_repeat_and_top_work_on_every_menu(flow, routes):
    for menu in routes.menus.values():
        again = flow.press(Position(menu.id), routes.keys.repeat, OPEN)
        assert again.listen == Position(menu.id)
        assert text(again) == plain(flow.menu_speech(menu))
        top = flow.press(Position(menu.id), routes.keys.top, OPEN)
        assert top.listen == Position("top")


def test_submenus_say_how_to_go_back(flow):
    assert text(follow(flow, ["3"])).endswith("最初に戻るには0、繰り返しは9を押してください。")


def test_answer_keys_repeat_top_and_silence(flow):
    answer = follow(flow, ["3", "2"])
    again = flow.press(answer.listen, "9", OPEN)
    assert text(again) == text(answer)
    top = flow.press(answer.listen, "0", OPEN)
    assert top.listen == Position("top")
    silence = flow.press(answer.listen, "", OPEN)
    assert silence.hangs_up and text(silence) == "お電話ありがとうございました。"
    wrong = flow.press(answer.listen, "5", OPEN)
    assert text(wrong).startswith("その番号は選択できません。もう一度お聞きになるには9を")


def test_transfer_key_does_nothing_where_transfer_is_not_allowed(flow):
    answer = follow(flow, ["5"])  # IPA: open now, but no transfer configured
    assert "おつなぎ" not in text(answer)
    step = flow.press(answer.listen, "1", OPEN)
    assert step.transfer is None
    assert text(step).startswith("その番号は選択できません。")


@pytest.mark.parametrize("position", [
    Position("gone"), Position("top", "9"), Position("top", "2"), Position("abuse", "9"),
])
def test_a_position_that_no_longer_exists_goes_back_to_the_top(flow, position):
    step = flow.press(position, "1", OPEN)
    assert text(step).startswith("申し訳ありません。ご案内の内容が変わりましたので、最初のメニューに戻ります。")
    assert step.listen == Position("top")


@pytest.mark.parametrize("query, position", [
    ({"m": "top", "s": "0", "f": "0"}, Position("top")),
    ({"m": "abuse", "k": "2", "s": "1", "f": "2"}, Position("abuse", "2", 1, 2)),
    ({"m": "top", "s": "x"}, None),
    ({"m": "top", "s": "-1"}, None),
    ({"m": "top", "f": "99"}, None),
    ({"s": "0"}, None),
    ({}, None),
])
def test_position_travels_in_the_url(query, position):
    assert Position.from_query(query) == position
    if position is not None:
        assert Position.from_query(position.to_query()) == position
