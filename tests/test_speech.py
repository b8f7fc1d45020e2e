"""Numbers, addresses, times and hours as the caller hears them."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr.core.hours import JAPAN, Hours, Span
from ivr.core.contacts import parse_email, parse_phone
from ivr.core.readings import Slow, Words, plain

DIGITS = dict(zip("0123456789", "ゼロ イチ ニー サン ヨン ゴー ロク ナナ ハチ キュウ".split()))


def digit_reading(group: str) -> str:
    return "".join(DIGITS[d] for d in group)


@pytest.mark.parametrize("number, groups", [
    ("03-5974-0068", ("ゼロサン", "ゴーキュウナナヨン", "ゼロゼロロクハチ")),
    ("0120-0-78310", ("ゼロイチニーゼロ", "ゼロ", "ナナハチサンイチゼロ")),
    ("0570-003-110", ("ゼロゴーナナゼロ", "ゼロゼロサン", "イチイチゼロ")),
    ("188", ("イチ", "ハチ", "ハチ")),
    ("110", ("ヒャクトオバン",)),
    ("#9110", ("シャープ", "キュウ", "イチ", "イチ", "ゼロ")),
])
def test_numbers_are_read_in_their_published_grouping(reader, number, groups):
    assert reader.phone(parse_phone(number)) == Slow(number, groups)


def test_every_shipped_number_is_read_digit_by_digit(routes, reader):
    for desk in routes.desks.values():
        if desk.phone is None or desk.phone.kind == "short":
            continue
        slow = reader.phone(desk.phone)
        assert slow.groups == tuple(digit_reading(g) for g in desk.phone.written.split("-"))


def test_email_is_spelled_with_its_at_sign_and_dots(reader):
    slow = reader.email(parse_email("info@antiphishing.jp"))
    assert slow.groups[0] == "アイ、エヌ、エフ、オー"
    assert slow.groups[1] == "アットマーク"
    assert slow.groups[2].split("、") == ["エー", "エヌ", "ティー", "アイ", "ピー", "エイチ", "アイ",
                                         "エス", "エイチ", "アイ", "エヌ", "ジー"]
    assert slow.groups[3:] == ("ドット", "ジェー、ピー")


@pytest.mark.parametrize("minute, words", [
    (10 * 60, "午前10時"), (12 * 60, "正午"), (12 * 60 + 30, "昼の12時30分"),
    (13 * 60 + 30, "午後1時30分"), (17 * 60 + 15, "午後5時15分"), (8 * 60 + 30, "午前8時30分"),
    (21 * 60, "午後9時"),
])
def test_times_are_words_never_colons(reader, minute, words):
    assert reader.clock(minute) == words


def test_center_hours_in_words(routes, reader):
    assert reader.hours(routes.desks["center"].hours) == (
        "受付時間は、平日の午前10時から正午まで、午後1時から午後5時までです。"
        "土曜日、日曜日、祝日、年末年始はお休みです。"
    )


def test_other_hours_in_words(routes, reader):
    assert reader.hours(routes.desks["jiaa"].hours).startswith("受付時間は、平日の昼の12時30分から午後4時までです。")
    assert reader.hours(routes.desks["kotaeru"].hours) == (
        "受付時間は、月曜日から土曜日の午後3時から午後9時までです。日曜日、祝日、年末年始はお休みです。"
    )
    assert reader.hours(routes.desks["child_sos"].hours) == "24時間、年中無休で受け付けています。"
    assert reader.hours(Hours(frozenset({0, 2}), (Span(600, 720),), False, False)) == (
        "受付時間は、月曜日、水曜日の午前10時から正午までです。火曜日、木曜日、金曜日、土曜日、日曜日はお休みです。"
    )


def test_next_opening_in_words(reader):
    now = datetime(2026, 11, 28, 12, 0, tzinfo=JAPAN)
    assert reader.opening(datetime(2026, 12, 1, 10, 0, tzinfo=JAPAN), now) == "12月1日火曜日の午前10時から"
    assert reader.opening(datetime(2026, 11, 28, 13, 0, tzinfo=JAPAN), now) == "本日の午後1時から"


def test_plain_shows_readings_or_written_forms():
    segments = (Words("番号は、"), Slow("188", ("イチ", "ハチ", "ハチ")), Words("です。"))
    assert plain(segments) == "番号は、イチ、ハチ、ハチです。"
    assert plain(segments, written=True) == "番号は、188［イチ、ハチ、ハチ］です。"


def test_open_jtalk_reads_the_times_of_day_as_meant(routes, reader):
    """午後0時30分 was read ゴゴゼロジ; every shipped opening time is read as its hour."""
    pyopenjtalk = pytest.importorskip("pyopenjtalk", reason="the speech extra is not installed")
    kana = pyopenjtalk.g2p(reader.hours(routes.desks["jiaa"].hours), kana=True)
    assert "ヒルノジューニジサンジュップン" in kana and "ゼロジ" not in kana


def test_open_jtalk_reads_the_fixed_words_the_caller_hears(routes, reader):
    """Readings that went wrong once: 方 as ホー, and the closed-desk sentence."""
    pyopenjtalk = pytest.importorskip("pyopenjtalk", reason="the speech extra is not installed")
    fee = "".join(p for p in routes.desks["center"].fee if isinstance(p, str))
    assert "ホー" not in pyopenjtalk.g2p(fee, kana=True)
    closed = reader.t.gettext("It is closed at this time.")
    assert pyopenjtalk.g2p(closed, kana=True) == "タダイマノジカンワ、ウケツケジカンガイデス。"


def test_open_jtalk_reads_every_number_as_its_digits(routes, reader):
    """The readings we give the speech engine come out as the digits, not as amounts."""
    pyopenjtalk = pytest.importorskip("pyopenjtalk", reason="the speech extra is not installed")
    numbers = [d.phone for d in routes.desks.values() if d.phone] + [parse_phone("110")]
    for phone in numbers:
        slow = reader.phone(phone)
        for group in slow.groups:
            kana = pyopenjtalk.g2p(group, kana=True)
            assert same_sounds(kana) == same_sounds(group), (phone.written, group, kana)


def same_sounds(kana: str) -> str:
    """Kana compared by sound: キュウ and キュー are one reading; pauses are not sounds."""
    return kana.replace("キュウ", "キュー").replace("、", "")


def test_open_jtalk_reads_the_new_prompts_as_meant(flow, routes):
    """Every prompt added or changed for words at every step, the questions and the shorter
    answers, as Open JTalk reads it: keys as their digits, no word misread."""
    pyopenjtalk = pytest.importorskip("pyopenjtalk", reason="the speech extra is not installed")
    from ivr.core.steps import Position
    from helpers import OPEN_TUESDAY

    def kana(segments_or_text) -> str:
        text = segments_or_text if isinstance(segments_or_text, str) else plain(segments_or_text)
        return pyopenjtalk.g2p(text, kana=True)

    top = kana(flow.menu_speech(routes.top))
    assert top.startswith("リョーキンノセーキューワイチ、") and "ワカラナイトキワロク、" in top
    assert top.endswith("バンゴーヲオスカ、ゴヨーケンヲオハナシクダサイ。")  # not オハナシシクダサイ
    assert kana(flow.menu_speech(routes.menus["billing"])).endswith(
        "ガメンノセーキューガキエナイトキワニ、ネットツーハンナドノケーヤクワサン、"
        "サイショニモドルニワゼロヲオシテクダサイ。")
    vague = flow.hear(Position("top"), "変なメールが来た", 0.9, OPEN_TUESDAY)
    assert kana(vague.speech) == ("オカネヲセーキューサレテイマスカ。ソレトモ、コーコクノメールデスカ。"
                                  "ミニオボエノナイセーキューノゴソーダンナライチ、"
                                  "コーコクメールノゴソーダンナラニヲオスカ、オコタエクダサイ。")
    confirm = flow._ask(routes.top, ("scam/2",))
    assert kana(confirm.speech) == ("パソコンノイジョーノゴソーダンデヨロシイデスカ。"
                                    "ハイワイチ、イーエワニヲオスカ、オコタエクダサイ。")
    hotline = kana(flow.press(Position("billing"), "1", OPEN_TUESDAY).speech[:4])
    assert hotline == "バンゴーワ、イチ、ハチ、ハチデス。ショーヒシャホットラインデス。"
    assert "イヤヤ、トオボエテクダサイ。" in kana(flow.press(Position("billing"), "1", OPEN_TUESDAY).speech)
    phishing = flow.press(Position("scam"), "1", OPEN_TUESDAY).speech
    assert kana(phishing[1].groups[-1]) == "ドットジェーピー"
    for text, read in (
            ("申し訳ありません。ご用件を聞き取れませんでした。", "モーシワケアリマセン。ゴヨーケンヲキキトレマセンデシタ。"),
            ("申し訳ありません。お答えを聞き取れませんでした。", "モーシワケアリマセン。オコタエヲキキトレマセンデシタ。"),
            ("では、メニューからお選びください。", "デワ、メニューカラオエラビクダサイ。"),
            ("申し訳ありません。この窓口には、おつなぎできません。",
             "モーシワケアリマセン。コノマドグチニワ、オツナギデキマセン。"),
            ("申し訳ありません。このお電話には、ショートメッセージをお送りできません。",
             "モーシワケアリマセン。コノオデンワニワ、ショートメッセージヲオオクリデキマセン。")):
        assert kana(text) == read
    names = {d.id: kana(f"{d.reading}です。") for d in routes.desks.values()}
    assert names["jinken"] == "ミンナノジンケンヒャクトオバンデス。"
    assert names["ipa"] == "アイピーエーノアンシンソーダンマドグチデス。"
    assert names["child_sos"] == "コドモエスオーエスダイヤルデス。"


def test_the_address_is_said_as_it_is_spelled(routes, reader):
    """Said as words (…ドットジェーピー), then spelled (ジェー、ピー): the same letters."""
    for desk in routes.desks.values():
        if not desk.email_reading:
            continue
        tail = desk.email.address.rsplit(".", 1)[1]
        letters = "".join(reader.letters[ord(c) - ord("a")] for c in tail)
        assert desk.email_reading[-1].endswith(letters), (desk.id, desk.email_reading, letters)
