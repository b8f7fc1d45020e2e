"""The call flow as a pure function of routes, position, keys and time."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import datetime

import pytest
import yaml
from helpers import OPEN_TUESDAY, ROUTES, YEAR_END

from ivr.clock import is_japan_holiday
from ivr.core.flow import CallFlow
from ivr.core.steps import Position
from ivr.core.hours import JAPAN
from ivr.core.paths import walk
from ivr.core.readings import Slow, plain
from ivr.routesfile.loader import parse_routes

OPEN = OPEN_TUESDAY  # Tuesday morning
LUNCH = datetime(2026, 12, 1, 12, 15, tzinfo=JAPAN)
SCOPE = ("迷惑メール相談センターの電話相談は、広告や宣伝のメールに限っております。"
         "このご相談は、今ご案内した窓口で承っています。")

EXPECTED_PATHS = {
    ("1", "1"): "hotline",
    ("1", "2"): "ipa",
    ("1", "3"): "jiaa",
    ("2", "1"): "child_sos",
    ("2", "2"): "jinken",
    ("2", "3"): "kotaeru",
    ("2", "4"): "police",
    ("3", "1"): "antiphishing",
    ("3", "2"): "ipa",
    ("3", "3"): "police",
    ("4",): "center",
    ("5",): "sns",
    ("6",): "hotline",
}
# Every case in the guide's lists, as a caller would put it, with the keys whose labels name it
# and the desk the guide names for it.
GUIDE_CASES = [
    ("利用の覚えないサイトから料金請求が来た", ("1", "1"), "hotline"),
    ("無料だと思ったのに料金の請求が来た", ("1", "1"), "hotline"),
    ("サイトの退会にはログインが必要という不審なメールが来た", ("1", "1"), "hotline"),
    ("ネット上でのサービスや契約", ("1", "3"), "jiaa"),
    ("画面に料金請求の表示が出たまま元に戻せない", ("1", "2"), "ipa"),
    ("最近パソコンの挙動がおかしい", ("3", "2"), "ipa"),
    ("自分が迷惑メールを送っているとプロバイダから連絡があった", ("3", "2"), "ipa"),
    ("ボットや不正アクセスの被害にあった", ("3", "2"), "ipa"),
    ("銀行やクレジットカード会社を名乗る不審なメール", ("3", "1"), "antiphishing"),
    ("IDやパスワード変更依頼のメール", ("3", "1"), "antiphishing"),
    ("フィッシングでお金の被害にあった", ("3", "3"), "police"),
    ("SNSのアカウントや書き込みのトラブル", ("5",), "sns"),
    ("子どもがいじめを呼びかけるメールを回されている", ("2", "1"), "child_sos"),
    ("掲示板に実名で中傷されている", ("2", "2"), "jinken"),
    ("東京都の青少年のネットのトラブル", ("2", "3"), "kotaeru"),
    ("ネット上で殺害予告された", ("2", "4"), "police"),
    ("広告や宣伝のメールが同意なく送られてくる", ("4",), "center"),
    ("どこに相談すればよいかわからない", ("6",), "hotline"),
]


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


def test_every_desk_is_within_two_presses_and_no_menu_has_more_than_seven_options(flow, routes):
    depth = {}
    for path in walk(flow, OPEN):
        depth[path.desk] = min(depth.get(path.desk, 9), len(path.keys))
    assert set(depth) == set(routes.desks)
    assert max(depth.values()) <= 2
    assert max(len(menu.options) for menu in routes.menus.values()) <= 7


@pytest.mark.parametrize("case, keys, desk", GUIDE_CASES)
def test_every_case_in_the_guide_reaches_the_desk_it_names(flow, case, keys, desk):
    step = follow(flow, keys)
    assert step.desk == desk and step.outcome == "answer", case


def test_money_lost_and_threats_reach_the_police_answer_with_110_first(flow):
    for keys in (("2", "4"), ("3", "3")):
        said = text(follow(flow, keys))
        assert said.startswith("緊急のときは、ヒャクトオバンへおかけください。"), keys
        assert SCOPE not in said


def test_greeting_names_the_line_then_the_top_menu(flow):
    step = flow.start(OPEN)
    said = text(step)
    assert said.startswith("迷惑メール相談のご案内です。")
    assert "料金の請求は1、" in said and "広告メールは4、" in said
    assert said.endswith("わからないときは6、番号を押すか、ご用件をお話ください。")
    assert step.listen == Position("top")


@pytest.mark.parametrize("keys", [("1", "1"), ("1", "2"), ("1", "3"), ("3", "1"), ("3", "2")])
def test_scope_statement_follows_the_first_giving_of_the_number(flow, keys):
    step = follow(flow, keys)
    first = next(i for i, s in enumerate(step.speech) if isinstance(s, Slow))
    rest = plain(step.speech[first + 1:])
    second = next(i for i, s in enumerate(step.speech) if isinstance(s, Slow) and i > first)
    between = plain(step.speech[first + 1:second])
    assert rest.startswith("です。") and SCOPE in between  # after the number and whose it is


@pytest.mark.parametrize("keys", [("2", "1"), ("2", "2"), ("2", "3"), ("2", "4"), ("3", "3"),
                                  ("5",), ("6",)])
def test_no_scope_statement_for_children_abuse_danger_sns_or_an_unsaid_trouble(flow, keys):
    assert "迷惑メール相談センターの電話相談は" not in text(follow(flow, keys))


def test_in_scope_answers_say_what_the_center_takes(flow):
    center = text(follow(flow, ["4"]))
    assert "迷惑メール相談センターの電話相談は" not in center
    assert "広告や宣伝を目的としたメールのご相談をお受けしています" in center
    assert "情報提供のページ" in center


def test_number_is_given_twice_with_name_hours_and_cost(flow):
    step = follow(flow, ["4"])
    numbers = [s for s in step.speech if isinstance(s, Slow)]
    assert [n.written for n in numbers] == ["03-5974-0068", "03-5974-0068"]
    said = text(step)
    assert said.startswith("番号は、ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチです。迷惑メール相談センターです。")
    assert "平日の午前10時から正午まで、午後1時から午後5時まで" in said
    assert "相談は無料です。通話料は、お客様のご負担となります。" in said


def test_navi_dial_answer_warns_about_phs_and_ip_phones(flow):
    said = text(follow(flow, ["2", "2"]))
    assert "ゼロゴーナナゼロ、ゼロゼロサン、イチイチゼロ" in said
    assert "一部のアイピー電話からは、つながらないことがあります" in said


def test_phishing_answer_says_the_address_as_words_then_spells_it_once(flow):
    step = follow(flow, ["3", "1"])
    slow = [s for s in step.speech if isinstance(s, Slow)]
    assert [s.written for s in slow] == ["info@antiphishing.jp"] * 2
    assert slow[0].groups == ("インフォアット", "アンチフィッシング", "ドットジェーピー")
    assert slow[1].groups[0] == "アイ、エヌ、エフ、オー"
    said = text(step)
    assert said.startswith("アドレスは、インフォアット、アンチフィッシング、ドットジェーピーです。"
                           "フィッシング対策協議会です。")
    assert "つづりは、アイ、エヌ、エフ、オー、アット" in said
    assert "件名、本文、差出人" in said
    assert "警察のサイバー犯罪相談窓口" in said  # money lost → police


def test_police_answer_gives_110_first_then_9110_then_the_desks_for_damage(flow):
    said = text(follow(flow, ["2", "4"]))
    at_110 = said.index("緊急のときは、ヒャクトオバンへおかけください。")
    at_9110 = said.index("番号は、シャープ、キュウ、イチ、イチ、ゼロです。警察相談専用電話です。")
    at_desks = said.index("お近くの警察署か、都道府県警察のサイバー犯罪相談窓口")
    assert at_110 == 0 < at_9110 < at_desks
    assert "緊急でないご相談は、この番号で承っています。" in said


def test_open_desk_offers_transfer_and_dials_e164(flow, routes):
    answer = follow(flow, ["4"])
    assert "今すぐおつなぎするには1を、" in text(answer)
    step = flow.press(answer.listen, "1", OPEN)
    assert step.transfer.number == "+81359740068"
    assert step.transfer.timeout == routes.input.transfer_timeout
    assert step.transfer.then == Position("top", "4")
    assert step.outcome == "transfer"


CLOSED_NOW, DAY_OFF = "ただいまの時間は、受付時間外です。", "本日は、お休みをいただいております。"


@pytest.mark.parametrize("moment, closed, when", [
    (LUNCH, CLOSED_NOW, "次の受付は、本日の午後1時からです。"),
    # the year-end break and a Saturday: closed all day, not just at this time
    (YEAR_END, DAY_OFF, "次の受付は、1月4日月曜日の午前10時からです。"),
    (datetime(2026, 11, 28, 15, 0, tzinfo=JAPAN), DAY_OFF, "次の受付は、11月30日月曜日の午前10時からです。"),
    (datetime(2026, 11, 27, 18, 0, tzinfo=JAPAN), CLOSED_NOW, "次の受付は、11月30日月曜日の午前10時からです。"),
])
def test_closed_desk_says_when_it_opens_and_is_never_dialled(flow, moment, closed, when):
    answer = follow(flow, ["4"], moment)
    said = text(answer)
    assert closed + when in said
    assert "おつなぎ" not in said
    pressed = flow.press(answer.listen, "1", moment)
    assert pressed.transfer is None and pressed.listen is not None
    assert closed in text(pressed)


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_failed_transfer_falls_back_to_number_and_hours(flow, status):
    step = flow.dial_ended(Position("top", "4"), status, OPEN)
    said = text(step)
    assert said.startswith("申し訳ありません。おつなぎできませんでした。")
    assert "ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチ" in said
    assert "受付時間は" in said
    assert "今すぐおつなぎ" not in said
    assert step.listen == Position("top", "4") and step.outcome == f"transfer_{status}"


def test_completed_transfer_ends_the_call(flow):
    step = flow.dial_ended(Position("top", "4"), "completed", OPEN)
    assert step.hangs_up and text(step) == "お電話ありがとうございました。"


@pytest.mark.parametrize("key", ["*", "#", "8"])
def test_unknown_key_says_so_and_repeats_the_menu(flow, key):
    step = flow.press(Position("top"), key, OPEN)
    said = text(step)
    assert said.startswith("その番号は選択できません。料金の請求は1、")
    assert step.listen == Position("top", failures=1)


@pytest.mark.parametrize("key", ["*", "#"])
def test_star_and_hash_after_an_answer_say_so_and_keep_the_call(flow, key):
    answer = follow(flow, ["2", "4"])
    step = flow.press(answer.listen, key, OPEN)
    assert not step.hangs_up and step.outcome == "invalid"
    assert text(step).startswith("その番号は選択できません。もう一度お聞きになるには9を")


def test_too_many_wrong_keys_end_politely_with_188(flow, routes):
    step = flow.start(OPEN)
    for _ in range(routes.input.max_failures):
        step = flow.press(step.listen, "#", OPEN)
    assert step.hangs_up and step.outcome == "max_failures"
    assert "消費者ホットライン、イチ、ハチ、ハチにおかけください" in text(step)


def test_silence_repeats_once_then_ends_with_188(flow, routes):
    first = flow.press(Position("top"), "", OPEN)
    assert text(first).startswith("もう一度ご案内します。料金の請求は1、")
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
    assert text(follow(flow, ["3"])).endswith("お金の被害は3、最初に戻るには0を押してください。")


def test_answer_keys_repeat_top_and_silence(flow):
    answer = follow(flow, ["1", "1"])
    again = flow.press(answer.listen, "9", OPEN)
    assert text(again) == text(answer)
    top = flow.press(answer.listen, "0", OPEN)
    assert top.listen == Position("top")
    silence = flow.press(answer.listen, "", OPEN)
    assert silence.hangs_up and text(silence) == "お電話ありがとうございました。"
    wrong = flow.press(answer.listen, "5", OPEN)
    assert text(wrong).startswith("その番号は選択できません。もう一度お聞きになるには9を")


def test_transfer_key_does_nothing_where_transfer_is_not_allowed(flow):
    answer = follow(flow, ["3", "2"])  # IPA: open now, but no transfer configured
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


def test_three_wrong_keys_after_the_police_answer_end_with_110_not_188(flow, routes):
    step = follow(flow, ["2", "4"])
    for _ in range(routes.input.max_failures):
        step = flow.press(step.listen, "#", OPEN)
    said = text(step)
    assert step.hangs_up and step.outcome == "max_failures" and step.desk == "police"
    assert said == ("緊急のときは、ヒャクトオバンへおかけください。"
                    "番号は、シャープ、キュウ、イチ、イチ、ゼロです。警察相談専用電話です。"
                    "お電話ありがとうございました。")
    assert "イチ、ハチ、ハチ" not in said


def test_three_wrong_keys_after_any_answer_end_with_its_own_number(flow, routes):
    step = follow(flow, ["4"])
    for _ in range(routes.input.max_failures):
        step = flow.press(step.listen, "5", OPEN)
    assert text(step) == ("番号は、ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチです。迷惑メール相談センターです。"
                          "お電話ありがとうございました。")


def test_the_188_answer_gives_one_number_and_the_guides_way_to_remember_it(flow):
    step = follow(flow, ["1", "1"])
    numbers = {s.written for s in step.speech if isinstance(s, Slow)}
    assert numbers == {"188"}  # the old 0570 number is not a second thing to write down
    assert "繰り返します。イチ、ハチ、ハチ。いやや、と覚えてください。" in text(step)


def test_a_label_that_names_a_situation_reads_with_toki(flow):
    assert "画面の請求が消えないときは2、" in text(follow(flow, ["1"]))


def test_every_menu_is_heard_as_it_was_built_when_routes_loaded(flow, routes):
    """The menus built once are what callers hear: each label and its key in order, then the
    way on; a caller who presses early has heard the start of the same speech."""
    for menu in routes.menus.values():
        built = flow.speech.menus[menu.id]
        assert flow.press(Position(menu.id), routes.keys.repeat, OPEN).speech == built
        choices = "".join(f"{plain(flow.reader.text(o.label))}は{o.key}、" for o in menu.options)
        way_on = "番号を押すか、ご用件をお話ください。" if menu.id == "top" else "最初に戻るには0を押してください。"
        assert plain(built) == plain(flow.reader.text(menu.intro)) + choices + way_on
        for option in menu.options:
            upto = flow.menu_speech(menu, upto=option.key)
            assert built[:len(upto)] == upto and plain(upto).endswith(f"は{option.key}、")


def test_the_speech_built_for_a_routes_file_cannot_change_afterwards(flow):
    with pytest.raises(FrozenInstanceError):
        flow.speech.menus = {}
    with pytest.raises(TypeError):
        flow.speech.menus["top"] = ()
    with pytest.raises(TypeError):
        flow.speech.keys["center", True, True] = ()


@pytest.fixture(scope="module")
def keys_only(reader) -> CallFlow:
    """The shipped routes with no `says:`: a line that listens for keys only."""
    data = yaml.safe_load(ROUTES.read_text("utf-8"))
    data.pop("unclear", None)
    for menu in data["menus"].values():
        for option in menu["options"].values():
            option.pop("says", None)
    routes = parse_routes(yaml.safe_dump(data, allow_unicode=True), "routes.yaml")
    return CallFlow(routes, reader, is_japan_holiday)


@pytest.mark.parametrize("position", [Position("top"), Position("abuse", "4"), Position("top", "4"),
                                      Position("top", "4", failures=2), Position("top", ask="top/4")])
def test_words_on_a_line_that_listens_for_keys_do_what_a_key_that_does_nothing_does(keys_only, position):
    assert keys_only.matcher is None and keys_only.hints_at(position) == ""
    heard = keys_only.hear(position, "つないで", 0.9, OPEN, texting=True)
    assert heard == keys_only.press(position, "#", OPEN, texting=True)
    if position.failures < 2:
        assert heard.outcome == "invalid" and heard.listen == replace(position, failures=position.failures + 1)
        assert text(heard).startswith("その番号は選択できません。")
    else:
        assert heard.outcome == "max_failures" and heard.hangs_up
    assert keys_only.hear(position, " ", 0.9, OPEN) == keys_only.press(position, "", OPEN)
