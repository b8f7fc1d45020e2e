"""Callers' words to topics: the dev set, our own paraphrases, normalisation, and never a guess."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import OPEN_TUESDAY

from ivr.core.flow import Position
from ivr.core.outcomes import Outcome
from ivr.core.readings import plain
from ivr.core.understanding import NOT_UNDERSTOOD

HERE = Path(__file__).parent
DEV_SET = HERE.parent.parent / "shared" / "callers" / "utterances.tsv"
PARAPHRASES = HERE / "callers_paraphrases.tsv"  # written by us, not taken from the dev set
DESKS = {"center": "center", "info": "center", "hotline": "hotline", "sangyo": "jiaa", "ipa": "ipa",
         "phishing": "antiphishing", "police": "police", "sns": "sns", "sos": "child_sos",
         "jinken": "jinken", "kotoel": "kotaeru"}


def cases(path: Path) -> list[tuple[str, list[str]]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [(row[0], row[1].split("|")) for row in rows[1:] if row]


def routed(flow, words: str) -> str | None:
    """The desk the line gives for words said at the first menu; None when not understood."""
    step = flow.hear(Position("top"), words, 0.9, OPEN_TUESDAY)
    return step.desk if step.heard != NOT_UNDERSTOOD else None


def judge(flow, path: Path) -> dict:
    right = wrong = 0
    danger_elsewhere = []
    rows = cases(path)
    for words, answers in rows:
        desk = routed(flow, words)
        accepted = {DESKS[a] for a in answers}
        if desk in accepted:
            right += 1
        elif desk is not None:
            wrong += 1
        if answers[0] == "police" and len(answers) == 1 and desk != "police":
            danger_elsewhere.append(words)
    return {"right": right / len(rows), "wrong": wrong / len(rows), "danger": danger_elsewhere}


@pytest.mark.skipif(not DEV_SET.exists(), reason="the callers' words are in ../shared/callers/")
def test_the_callers_words_reach_a_right_answer(flow):
    result = judge(flow, DEV_SET)
    assert result["right"] >= 0.9 and result["wrong"] <= 0.03 and result["danger"] == [], result


def test_our_own_paraphrases_reach_a_right_answer(flow):
    result = judge(flow, PARAPHRASES)
    assert len(cases(PARAPHRASES)) >= 100
    assert result["right"] >= 0.9 and result["wrong"] <= 0.03 and result["danger"] == [], result


@pytest.mark.parametrize("words, desk", [
    ("ういるす", "ipa"),                      # the recogniser wrote it in hiragana
    ("ウィルス", "ipa"),                      # small ィ
    ("かくうせいきゅう", "hotline"),
    ("ＳＮＳ で 嫌がらせ", "sns"),            # full-width letters and spaces
    ("sns", "sns"),
    ("こどものいじめ", "child_sos"),          # 子ども / こども / 子供
    ("身に覚えの無い請求", "hotline"),        # ない / 無い
])
def test_width_kana_and_kanji_variants_are_one(flow, words, desk):
    assert routed(flow, words) == desk


@pytest.mark.parametrize("words", [
    "フィッシングのメールでお金をだまし取られた",   # phishing words, but money is lost
    "殺すと書かれたメールが来て怖い",
    "ラインで脅されています",                         # SNS words, but a threat
    "娘が殺害予告をされた",
])
def test_threats_danger_and_money_lost_go_to_the_police_answer(flow, words):
    step = flow.hear(Position("top"), words, 0.9, OPEN_TUESDAY)
    assert step.desk == "police"
    assert plain(step.speech).startswith("緊急のときは、ヒャクトオバンへおかけください。")


@pytest.mark.parametrize("words, confidence", [
    ("えーと", 0.9),                # no topic
    ("あのー、その、ない", 0.9),    # a negation alone names nothing
    ("架空請求", 0.2),              # the recogniser itself is unsure
    ("悪口とウイルス", 0.9),        # two desks equally likely: never guess
])
def test_unclear_words_say_so_and_read_the_keypad_menu(flow, words, confidence):
    step = flow.hear(Position("top"), words, confidence, OPEN_TUESDAY)
    assert step.outcome == Outcome.NOT_UNDERSTOOD and step.heard == NOT_UNDERSTOOD
    assert step.desk is None and step.listen == Position("top", failures=1)
    said = plain(step.speech)
    assert said.startswith("申し訳ありません。ご用件を聞き取れませんでした。番号でお選びください。料金の請求は1、")


def test_not_understood_three_times_ends_politely_with_188(flow):
    position = Position("top")
    for _ in range(2):
        position = flow.hear(position, "えーと", 0.9, OPEN_TUESDAY).listen
    last = flow.hear(position, "えーと", 0.9, OPEN_TUESDAY)
    assert last.hangs_up and last.outcome == Outcome.MAX_FAILURES
    assert "イチ、ハチ、ハチ" in plain(last.speech)


def test_a_clear_match_goes_straight_to_the_answer_and_zero_goes_back(flow):
    step = flow.hear(Position("top"), "身に覚えのない請求が来た", 0.9, OPEN_TUESDAY)
    assert step.outcome == Outcome.ANSWER and step.heard == "billing/1" and step.desk == "hotline"
    assert plain(step.speech).startswith("消費者ホットラインの番号は、イチ、ハチ、ハチです。")
    assert flow.press(step.listen, "0", OPEN_TUESDAY).listen == Position("top")


def test_words_in_a_submenu_are_understood_too(flow):
    step = flow.hear(Position("abuse"), "ウイルスに感染した", 0.9, OPEN_TUESDAY)
    assert step.desk == "ipa" and step.heard == "scam/2"


def test_words_where_only_keys_are_listened_for_do_nothing(flow):
    answer = flow.press(Position("top"), "4", OPEN_TUESDAY)
    step = flow.hear(answer.listen, "架空請求", 0.9, OPEN_TUESDAY)
    assert step.outcome == Outcome.INVALID and step.listen.key == "4"


def test_every_option_with_words_is_reached_by_its_first_phrase(flow, routes):
    for menu in routes.menus.values():
        for option in menu.options:
            if option.says:
                step = flow.hear(Position("top"), option.says[0], 0.9, OPEN_TUESDAY)
                assert step.heard == f"{menu.id}/{option.key}", option.says[0]


def test_hints_are_the_routes_words_within_twilios_limits(flow):
    hints = flow.hints.split(", ")
    assert "架空請求" in hints and "フィッシング" in hints
    assert len(hints) <= 500 and all(len(h) <= 100 for h in hints)


def test_the_matcher_is_pure_core():
    import subprocess
    import sys

    code = ("import sys, ivr.core.understanding as u; u.analyser().words('テスト'); "
            "bad = {'flask', 'werkzeug', 'twilio', 'sqlalchemy', 'psycopg'} & set(sys.modules); "
            "print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
