"""The offer of a desk's details by text message, in the pure call flow."""

from __future__ import annotations

import pytest

from ivr.core.flow import CallFlow
from ivr.core.steps import Position
from ivr.core.contacts import caller_number, is_japanese_mobile
from ivr.core.events import call_sid
from ivr.routesfile.loader import parse_routes
from ivr.core.readings import plain

from helpers import OPEN_TUESDAY as OPEN, ROUTES, YEAR_END

OFFER = "この番号をショートメッセージでお送りするには2を、"
ADDRESS_OFFER = "このアドレスをショートメッセージでお送りするには2を、"


def text(step) -> str:
    return plain(step.speech)


def answer(flow, keys, texting, now=OPEN):
    """The answer after pressing `keys`, for a caller who may or may not be offered texts."""
    step = flow.start(now)
    for key in keys:
        step = flow.press(step.listen, key, now, texting=texting)
    return step


@pytest.mark.parametrize("number", ["+819012345678", "+818012345678", "+817012345678"])
def test_japanese_mobiles_can_be_texted(number):
    assert is_japanese_mobile(number)


@pytest.mark.parametrize("number", [
    "+81359740068",      # a Tokyo landline
    "+815012345678",     # an IP phone
    "+812012345678",     # an M2M number, not a person's mobile
    "+14155552671",      # a foreign mobile
    "+8190123456789",    # one digit too many
    "+81901234567",      # one digit too few
    "09012345678",       # not E.164
    "anonymous", "Anonymous", "restricted", "+266696687", "", None,  # withheld
    "+819012345678\n",   # a trailing newline is not a number
    "+8190１2345678", "+8190१2345678", "+8190𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "＋819012345678",  # digits Twilio never sends
    "+81 90 1234 5678", "+81-90-1234-5678",
])
def test_other_callers_cannot(number):
    assert not is_japanese_mobile(number)


@pytest.mark.parametrize("keys, offer", [
    (["4"], OFFER),               # the center: a number
    (["1", "1"], OFFER),          # 188
    (["2", "4"], OFFER),          # 110, then #9110
    (["3", "1"], ADDRESS_OFFER),  # the anti-phishing council: an address
])
def test_an_answer_with_a_number_or_address_offers_it_by_text(flow, keys, offer):
    offered = text(answer(flow, keys, texting=True))
    assert offer in offered
    # after the transfer offer, before repeat and back
    assert offered.index(offer) < offered.index("もう一度お聞きになるには9を")
    assert offer not in text(answer(flow, keys, texting=False))


@pytest.mark.parametrize("keys", [["5"]])
def test_an_answer_without_number_or_address_offers_nothing(flow, keys):
    said = text(answer(flow, keys, texting=True))
    assert "ショートメッセージ" not in said
    step = flow.press(answer(flow, keys, texting=True).listen, "2", OPEN, texting=True)
    assert step.outcome == "invalid" and step.text is None


def test_pressing_the_key_asks_for_the_message_and_stays_at_the_answer(flow):
    offered = answer(flow, ["4"], texting=True)
    step = flow.press(offered.listen, "2", OPEN, texting=True)
    assert step.outcome == "sms"
    assert step.desk == "center"
    assert step.listen == Position("top", "4")
    assert text(step).startswith("ショートメッセージでお送りします。")
    assert OFFER not in text(step)
    assert "今すぐおつなぎするには1を、" in text(step)
    assert step.text.desk == "center"
    assert step.text.body.splitlines() == [
        "迷惑メール相談のご案内ダイヤルです。お電話でお尋ねの窓口をお知らせします。",
        "迷惑メール相談センター",
        "電話：03-5974-0068",
        "受付：平日 10:00〜12:00、13:00〜17:00（祝日、年末年始を除く）",
    ]


def test_the_key_is_just_a_wrong_key_for_a_caller_not_offered_it(flow):
    offered = answer(flow, ["4"], texting=False)
    step = flow.press(offered.listen, "2", OPEN, texting=False)
    assert step.outcome == "invalid" and step.text is None


@pytest.mark.parametrize("keys, lines", [
    (["3", "1"], ["フィッシング対策協議会", "メール：info@antiphishing.jp"]),
    (["1", "1"], ["消費者ホットライン", "電話：188",
                  "受付時間は、お近くの消費生活センターによって異なります。"]),
    (["2", "1"], ["24時間子供SOSダイヤル", "電話：0120-0-78310", "受付：24時間、毎日"]),
    (["2", "3"], ["こたエール", "電話：0120-1-78302",
                  "受付：月曜日から土曜日 15:00〜21:00（祝日、年末年始を除く）"]),
])
def test_each_message_gives_name_contact_and_hours(flow, keys, lines):
    offered = answer(flow, keys, texting=True)
    body = flow.press(offered.listen, "2", OPEN, texting=True).text.body
    assert body.splitlines()[1:] == lines


def test_a_desk_url_ends_the_message(reader):
    source = ROUTES.read_text("utf-8").replace(
        "    in_scope: true\n    transfer: true\n",
        "    in_scope: true\n    transfer: true\n    url: https://www.example.jp/soudan/\n", 1)
    flow = CallFlow(parse_routes(source), reader, lambda day: False)
    offered = answer(flow, ["4"], texting=True)
    body = flow.press(offered.listen, "2", OPEN, texting=True).text.body
    assert body.splitlines()[-1] == "https://www.example.jp/soudan/"


@pytest.mark.parametrize("over_limit, sorry", [
    (True, "申し訳ありません。これ以上、ショートメッセージはお送りできません。"),
    (False, "申し訳ありません。ただいま、ショートメッセージをお送りできません。"),
])
def test_a_refused_message_reads_the_number_again(flow, over_limit, sorry):
    step = flow.text_refused(Position("top", "4"), OPEN, over_limit=over_limit)
    said = text(step)
    assert said.startswith(sorry)
    assert said.count("ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチ") == 2
    assert OFFER not in said
    assert step.outcome == "sms_refused" and step.text is None
    assert step.listen == Position("top", "4")


def test_a_refusal_at_a_vanished_position_goes_to_the_top(flow):
    assert flow.text_refused(Position("gone", "1"), OPEN, over_limit=True).outcome == "lost"


def test_failed_transfer_and_closed_desk_keep_the_offer(flow):
    assert OFFER in text(flow.dial_ended(Position("top", "4"), "busy", OPEN, texting=True))
    closed = answer(flow, ["4"], texting=True, now=YEAR_END)
    assert OFFER in text(closed)
    assert OFFER in text(flow.press(closed.listen, "1", YEAR_END, texting=True))  # transfer_closed


def test_the_offer_is_read_well_by_open_jtalk():
    pyopenjtalk = pytest.importorskip("pyopenjtalk", reason="the speech extra is not installed")
    assert pyopenjtalk.g2p(OFFER, kana=True) == "コノバンゴーヲショートメッセージデオオクリスルニワニヲ、"
    assert pyopenjtalk.g2p(ADDRESS_OFFER, kana=True).endswith("オオクリスルニワニヲ、")
    for said, reading in [
        ("ショートメッセージでお送りします。", "ショートメッセージデオオクリシマス。"),
        ("申し訳ありません。これ以上、ショートメッセージはお送りできません。",
         "モーシワケアリマセン。コレイジョー、ショートメッセージワオオクリデキマセン。"),
        ("申し訳ありません。ただいま、ショートメッセージをお送りできません。",
         "モーシワケアリマセン。タダイマ、ショートメッセージヲオオクリデキマセン。"),
    ]:
        assert pyopenjtalk.g2p(said, kana=True) == reading


@pytest.mark.parametrize("written", ["+819012345678", "+8190１２３４５６７８", "+8190१२३४५६७८",
                                     "+8190𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "＋819012345678", "+81 90-1234-5678"])
def test_one_handset_is_one_number_however_its_digits_are_written(written):
    assert caller_number(written) == "+819012345678"


@pytest.mark.parametrize("value", ["anonymous", "", None, "+81 3 1234", "+819012345678;ext=2", "+" + "9" * 70])
def test_what_is_not_a_number_has_no_number(value):
    assert caller_number(value) is None


def test_the_caller_hash_is_of_the_handset():
    from ivr.observability.callers import caller_hash

    key = b"k"
    assert caller_hash(key, "+8190１２３４５６７８") == caller_hash(key, "+819012345678")
    assert caller_hash(key, "anonymous") != caller_hash(key, "restricted")


@pytest.mark.parametrize("value, one", [
    ("CA" + "0123456789abcdef" * 2, "CA" + "0123456789abcdef" * 2),
    ("CA" + "0123456789ABCDEF" * 2, "CA" + "0123456789abcdef" * 2),
    ("ca" + "0123456789abcdef" * 2, None),
    ("CA" + "０" * 32, None),  # other scripts' digits are not hex digits
    ("CA" + "0" * 31, None), ("CA" + "0" * 32 + "\n", None), ("", None), (None, None),
])
def test_a_call_sid_in_other_letter_case_is_the_same_call(value, one):
    assert call_sid(value) == one
