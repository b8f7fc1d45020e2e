"""The operators' calendar: dated closures, special hours and announcements, with the clock pinned."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from helpers import ROUTES, post_signed, spoken, twiml

from ivr.clock import is_japan_holiday
from ivr.core.flow import CallFlow
from ivr.core.steps import Position
from ivr.core.hours import JAPAN
from ivr.core.paths import walk
from ivr.core.readings import plain
from ivr.routesfile.loader import parse_routes

CLOSURE = "本日は臨時休業とさせていただいております。"
NOTICE = "宅配業者を名乗る偽のショートメッセージにご注意ください。"
DESK_NOTICE = "年末は、お電話が大変混み合います。"
CALENDAR = f"""
calendar:
  - date: "2026-12-08"            # an ordinary Tuesday
    closed: [center]
    say: {CLOSURE}
  - date: "2026-12-03"            # a Thursday with special hours
    open: {{center: ["10:00-11:00"]}}
  - dates: ["2026-12-11"]         # a Friday: the next opening moves past the weekend
    closed: [center]
announcements:
  - from: "2026-12-01"
    until: "2026-12-15"
    say: {NOTICE}
    where: greeting
  - from: "2026-12-14"
    until: "2026-12-15"
    say: {DESK_NOTICE}
    where: [center]
"""
OFFER = "今すぐおつなぎするには1を、"
CLOSED_NOW = "ただいまの時間は、受付時間外です。"


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=JAPAN)


@pytest.fixture(scope="module")
def dated_text() -> str:
    """The shipped routes.yaml with the test calendar in place of its empty one."""
    lines = [line for line in ROUTES.read_text("utf-8").splitlines()
             if line not in ("calendar: []", "announcements: []")]
    return "\n".join(lines) + "\n" + CALENDAR


@pytest.fixture(scope="module")
def dated(dated_text, reader) -> CallFlow:
    return CallFlow(parse_routes(dated_text, "routes.yaml"), reader,
                    is_japan_holiday)


def center_answer(flow: CallFlow, now: datetime):
    step = flow.press(Position("top"), "4", now)
    assert step.outcome == "answer" and step.desk == "center"
    return step


# -- a closure on an ordinary Tuesday -------------------------------------------------------

def test_closure_on_a_tuesday_offers_no_transfer_and_says_why(dated):
    step = center_answer(dated, jst(2026, 12, 8, 10, 30))
    said = plain(step.speech)
    assert OFFER not in said
    assert CLOSURE in said
    assert CLOSED_NOW not in said  # the closure's own sentence says it
    assert "次の受付は、12月9日水曜日の午前10時からです。" in said
    pressed = dated.press(step.listen, "1", jst(2026, 12, 8, 10, 30))
    assert pressed.outcome == "transfer_closed" and pressed.transfer is None
    assert CLOSURE in plain(pressed.speech)


@pytest.mark.parametrize("moment", [jst(2026, 12, 7, 10, 30), jst(2026, 12, 9, 10, 30)])
def test_the_days_around_a_closure_are_ordinary(dated, moment):
    said = plain(center_answer(dated, moment).speech)
    assert OFFER in said and CLOSURE not in said
    assert dated.press(Position("top", "4"), "1", moment).transfer.number == "+81359740068"


def test_a_closure_without_words_says_the_desk_is_closed_all_day(dated):
    said = plain(center_answer(dated, jst(2026, 12, 11, 9, 0)).speech)
    assert "本日は、お休みをいただいております。" in said
    assert "本日の午前10時から" not in said


def test_a_closure_leaves_other_desks_open(dated):
    step = dated.press(Position("scam"), "2", jst(2026, 12, 8, 10, 30))  # ipa
    assert step.desk == "ipa" and CLOSED_NOW not in plain(step.speech)


def test_a_closure_day_is_marked_on_a_new_call(dated):
    assert dated.start(jst(2026, 12, 8, 10, 30)).closure_day is True
    assert dated.start(jst(2026, 12, 9, 10, 30)).closure_day is False
    assert dated.start(jst(2026, 12, 3, 10, 30)).closure_day is False  # special hours only


# -- special hours 10:00-11:00 ----------------------------------------------------------------

def test_special_hours_allow_a_transfer_at_half_past_ten(dated):
    now = jst(2026, 12, 3, 10, 30)
    step = center_answer(dated, now)
    said = plain(step.speech)
    assert "本日の受付時間は、午前10時から午前11時までです。" in said
    assert OFFER in said and CLOSED_NOW not in said
    transfer = dated.press(step.listen, "1", now)
    assert transfer.outcome == "transfer" and transfer.transfer.number == "+81359740068"


def test_special_hours_refuse_a_transfer_at_half_past_eleven(dated):
    now = jst(2026, 12, 3, 11, 30)  # the usual hours would be open now
    step = center_answer(dated, now)
    said = plain(step.speech)
    assert OFFER not in said
    assert "本日の受付時間は、午前10時から午前11時までです。" + CLOSED_NOW in said
    assert "次の受付は、12月4日金曜日の午前10時からです。" in said
    assert dated.press(step.listen, "1", now).transfer is None


def test_special_hours_later_today_are_the_next_opening(dated):
    said = plain(center_answer(dated, jst(2026, 12, 3, 9, 0)).speech)
    assert "次の受付は、本日の午前10時からです。" in said


def test_special_hours_can_open_a_day_the_desk_is_usually_closed(reader, dated_text):
    text = dated_text + '  # (test)\n'
    text = text.replace('  - date: "2026-12-03"', '  - date: "2026-12-05"', 1)  # a Saturday
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    assert flow.desk_open(flow.routes.desks["center"], jst(2026, 12, 5, 10, 30))
    said = plain(center_answer(flow, jst(2026, 12, 4, 17, 30)).speech)
    assert "次の受付は、12月5日土曜日の午前10時からです。" in said


# -- an announcement on its last day, gone the next morning -----------------------------------

def test_announcement_is_said_after_the_greeting_on_its_last_day(dated):
    step = dated.start(jst(2026, 12, 15, 23, 59))
    said = plain(step.speech)
    assert said.startswith("迷惑メール相談のご案内です。" + NOTICE)
    assert "料金の請求は1、" in said and step.announced is True


@pytest.mark.parametrize("moment", [
    jst(2026, 12, 16, 0, 0),
    jst(2026, 12, 16, 9, 0),
    datetime(2026, 12, 15, 15, 30, tzinfo=timezone.utc),  # 00:30 on the 16th in Japan
])
def test_announcement_is_gone_the_next_morning(dated, moment):
    step = dated.start(moment)
    assert NOTICE not in plain(step.speech) and step.announced is False
    assert DESK_NOTICE not in plain(center_answer(dated, moment).speech)


def test_announcement_is_not_said_before_its_first_day(dated):
    assert NOTICE not in plain(dated.start(jst(2026, 11, 30, 23, 59)).speech)
    assert NOTICE in plain(dated.start(jst(2026, 12, 1, 0, 0)).speech)


def test_desk_announcement_comes_before_that_desks_answer_only(dated):
    now = jst(2026, 12, 15, 10, 30)
    step = center_answer(dated, now)
    assert plain(step.speech).startswith(DESK_NOTICE + "番号は、ゼロサン")
    assert step.announced is True
    again = dated.press(step.listen, "9", now)
    assert again.outcome == "answer_repeat" and DESK_NOTICE not in plain(again.speech)
    other = dated.press(Position("scam"), "2", now)
    assert DESK_NOTICE not in plain(other.speech) and other.announced is False


# -- a closure that pushes the next opening past a weekend -----------------------------------

@pytest.mark.parametrize("moment", [jst(2026, 12, 10, 17, 30), jst(2026, 12, 11, 10, 30)])
def test_friday_closure_moves_the_next_opening_to_monday(dated, moment):
    said = plain(center_answer(dated, moment).speech)
    assert "次の受付は、12月14日月曜日の午前10時からです。" in said
    assert OFFER not in said


def test_without_the_closure_friday_is_the_next_opening(flow):
    said = plain(center_answer(flow, jst(2026, 12, 10, 17, 30)).speech)
    assert "次の受付は、12月11日金曜日の午前10時からです。" in said


# -- the web edge ----------------------------------------------------------------------------

@pytest.fixture
def dated_app(make_app, tmp_path, dated_text):
    path = tmp_path / "routes.yaml"
    path.write_text(dated_text, "utf-8")
    return make_app(routes=str(path))


def canonical(element: ET.Element) -> tuple:
    """An element as comparable data: tag, attributes, text, tail and children, spaces trimmed."""
    return (element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
            (element.tail or "").strip(), [canonical(child) for child in element])


def test_web_closure_day_answers_without_a_transfer_offer(dated_app, clock):
    client = dated_app.test_client()
    clock.now = jst(2026, 12, 8, 10, 30)
    closed = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    said = spoken(closed)
    assert CLOSURE in said and OFFER not in said
    pressed = twiml(post_signed(client, "/voice/step?m=top&k=4&s=0&f=0", Digits="1"))
    assert pressed.find("Dial") is None and pressed.find("Gather") is not None
    clock.now = jst(2026, 12, 9, 10, 30)
    dialled = twiml(post_signed(client, "/voice/step?m=top&k=4&s=0&f=0", Digits="1"))
    expected = ET.fromstring(
        '<Response><Say language="ja-JP" voice="Polly.Mizuki">迷惑メール相談センターにおつなぎします。'
        'そのままお待ちください。</Say><Dial action="/voice/dialed?m=top&amp;s=0&amp;f=0&amp;k=4" '
        'method="POST" timeout="25">+81359740068</Dial></Response>')
    assert canonical(dialled) == canonical(expected)


def test_web_greeting_announcement_until_its_last_day(dated_app, clock):
    client = dated_app.test_client()
    clock.now = jst(2026, 12, 15, 23, 59)
    last_day = twiml(post_signed(client, "/voice"))
    clock.now = jst(2026, 12, 16, 0, 0)
    next_day = twiml(post_signed(client, "/voice"))
    assert NOTICE not in spoken(next_day)
    greeting = next_day.find("Gather/Say")
    assert greeting.text.startswith("迷惑メール相談のご案内です。料金の請求")
    greeting.text = greeting.text.replace("です。", "です。" + NOTICE, 1)
    assert canonical(last_day) == canonical(next_day)


def uncommented(text: str, section: str) -> str:
    """routes.yaml with the commented example entries of a section put in place of its []."""
    lines = text.splitlines()
    end = lines.index(f"{section}: []")
    start = max(i for i in range(end) if lines[i].startswith("# Example"))
    examples = [line[1:] for line in lines[start + 1:end]]
    assert examples and all(line.startswith("   ") for line in examples)
    return "\n".join(lines[:end] + [f"{section}:"] + examples + lines[end + 1:]) + "\n"


def test_the_examples_in_routes_yaml_comments_load_and_work(reader):
    text = uncommented(uncommented(ROUTES.read_text("utf-8"), "calendar"), "announcements")
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    calendar = flow.routes.calendar
    assert len(calendar.entries) == 2 and len(calendar.announcements) == 1
    assert calendar.day("center", datetime(2026, 12, 28).date()).closed
    said = plain(center_answer(flow, jst(2026, 12, 28, 10, 30)).speech)
    assert "本日は臨時休業とさせていただいております。" in said and OFFER not in said
    assert "宅配業者を名乗る" in plain(flow.start(jst(2026, 12, 31, 20, 0)).speech)


def test_the_shipped_calendar_is_empty(routes):
    assert routes.calendar.entries == () and routes.calendar.announcements == ()


def test_paths_count_the_announcements_heard_before_the_number(dated):
    from ivr.core.paths import walk

    with_notices = {p.keys: p for p in walk(dated, jst(2026, 12, 15, 10, 30))}
    without = {p.keys: p for p in walk(dated, jst(2026, 12, 16, 10, 30))}
    center = with_notices["4",]
    assert plain(center.eager).startswith("迷惑メール相談のご案内です。" + NOTICE)
    assert plain(center.eager).endswith(DESK_NOTICE + "番号は、"
                                        "ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチです。")
    assert plain(without["4",].eager) == (plain(center.eager).replace(NOTICE, "")
                                              .replace(DESK_NOTICE, ""))
    assert plain(with_notices["3", "2"].eager).endswith("ナナゴーゼロキュウです。")


def test_wording_too_long_for_twilio_on_a_coming_dated_day_is_refused(reader, dated_text):
    from ivr.routesfile.loader import RoutesError
    from ivr.routesfile.flows import checked_flow

    is_holiday = is_japan_holiday
    before = jst(2026, 11, 28, 10, 0)
    checked_flow(parse_routes(dated_text), reader, is_holiday, before)
    long_say = (CLOSURE * 50)[:990]  # each text is at most 1,000 characters
    notices = "".join(f'  - from: "2026-12-08"\n    until: "2026-12-08"\n    say: {long_say}\n'
                      "    where: [center]\n" for _ in range(3))
    too_long = dated_text.replace(f"say: {CLOSURE}", "say: " + long_say) + notices
    with pytest.raises(RoutesError) as caught:
        checked_flow(parse_routes(too_long), reader, is_holiday, before)
    # Each dated text is too long alone: all four said that day are named, not the option.
    assert [(p.path, "too long for one <Say>" in p.message) for p in caught.value.problems] == [
        (("calendar", 0, "say"), True), (("announcements", 2, "say"), True),
        (("announcements", 3, "say"), True), (("announcements", 4, "say"), True)]
    assert "said on 2026-12-08 in the answer at menus.top.options.\"4\"" in caught.value.problems[0].message
    checked_flow(parse_routes(too_long), reader, is_holiday, jst(2026, 12, 9, 10, 0))  # past


def test_dated_moments_cover_the_coming_dated_days_only(dated):
    from ivr.core.dated import dated_moments

    moments = dated_moments(dated.routes.calendar, jst(2026, 12, 4, 12, 0))
    days = sorted({m.date().isoformat() for m in moments})
    assert days == ["2026-12-04", "2026-12-08", "2026-12-11", "2026-12-14"]
    assert jst(2026, 12, 8, 0, 0) in moments and jst(2026, 12, 8, 10, 30) in moments
    special = dated_moments(dated.routes.calendar, jst(2026, 12, 1, 12, 0))
    assert jst(2026, 12, 3, 10, 0) in special  # the start of the special span


def test_the_operators_guide_example_loads_and_does_what_it_says(reader):
    from helpers import ROOT

    guide = (ROOT / "docs" / "operators.md").read_text("utf-8")
    section = guide[guide.index("**Close a day, shorten one"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml"))]
    lines = [line for line in ROUTES.read_text("utf-8").splitlines()
             if line not in ("calendar: []", "announcements: []")]
    flow = CallFlow(parse_routes("\n".join(lines) + "\n" + example), reader,
                    is_japan_holiday)
    closed = plain(center_answer(flow, jst(2026, 12, 8, 10, 30)).speech)
    assert "本日は臨時休業とさせていただいております。" in closed and OFFER not in closed
    assert OFFER in plain(center_answer(flow, jst(2026, 12, 24, 10, 30)).speech)
    assert OFFER not in plain(center_answer(flow, jst(2026, 12, 25, 11, 30)).speech)
    assert NOTICE in plain(flow.start(jst(2026, 12, 31, 23, 59)).speech)


def test_days_the_calendar_sets_alike_are_checked_once(dated_text):
    from ivr.core.dated import dated_moments

    text = dated_text.replace("calendar:\n", 'calendar:\n  - dates: ["2026-12-21", "2026-12-22", '
                              '"2026-12-23"]\n    closed: [center]\n', 1)
    moments = dated_moments(parse_routes(text).calendar, jst(2026, 12, 16, 9, 0))
    assert sorted({m.date().isoformat() for m in moments}) == ["2026-12-21"]


# -- the text message a caller asks for on a dated day -------------------------------------------

CENTER_LINES = ["迷惑メール相談のご案内ダイヤルです。お電話でお尋ねの窓口をお知らせします。",
                "迷惑メール相談センター", "電話：03-5974-0068"]
USUAL_HOURS = "平日 10:00〜12:00、13:00〜17:00（祝日、年末年始を除く）"


def texted(flow: CallFlow, now: datetime, keys: tuple[str, ...] = ("4",)) -> str:
    """The body of the text message a caller from a mobile asks for after the answer at `keys`."""
    step = flow.start(now)
    for key in keys:
        step = flow.press(step.listen, key, now, texting=True)
    sent = flow.press(step.listen, "2", now, texting=True)
    assert sent.outcome == "sms", plain(sent.speech)
    return sent.text.body


def segments(body: str) -> int:
    """SMS segments for a Japanese body (UCS-2): 70 characters alone, 67 each when concatenated."""
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


@pytest.mark.parametrize("moment", [jst(2026, 12, 7, 10, 30), jst(2026, 12, 9, 18, 0)])
def test_text_on_an_ordinary_day_gives_the_usual_hours(dated, moment):
    assert texted(dated, moment).splitlines() == CENTER_LINES + ["受付：" + USUAL_HOURS]


@pytest.mark.parametrize("moment", [jst(2026, 12, 8, 9, 0), jst(2026, 12, 8, 10, 30),
                                    jst(2026, 12, 8, 23, 59)])
def test_text_on_a_closure_day_says_so_and_gives_the_next_opening(dated, moment):
    assert texted(dated, moment).splitlines() == CENTER_LINES + [
        "12月8日（火）はお休みです。",
        "次の受付：12月9日（水）10:00から",
        "通常の受付：" + USUAL_HOURS,
    ]


def test_text_on_a_friday_closure_gives_monday(dated):
    assert texted(dated, jst(2026, 12, 11, 10, 30)).splitlines()[3:5] == [
        "12月11日（金）はお休みです。", "次の受付：12月14日（月）10:00から"]


@pytest.mark.parametrize("moment", [jst(2026, 12, 3, 9, 0), jst(2026, 12, 3, 10, 30)])
def test_text_on_a_special_hours_day_gives_that_days_hours(dated, moment):
    assert texted(dated, moment).splitlines() == CENTER_LINES + [
        "12月3日（木）の受付：10:00〜11:00",
        "通常の受付：" + USUAL_HOURS,
    ]


def test_text_after_a_special_days_hours_gives_the_next_opening(dated):
    assert texted(dated, jst(2026, 12, 3, 11, 30)).splitlines()[3:] == [
        "12月3日（木）の受付：10:00〜11:00",
        "次の受付：12月4日（金）10:00から",
        "通常の受付：" + USUAL_HOURS,
    ]


def test_text_for_a_desk_the_calendar_leaves_alone_is_unchanged(dated):
    ipa = texted(dated, jst(2026, 12, 8, 10, 30), ("3", "2"))
    assert ipa == texted(dated, jst(2026, 12, 7, 10, 30), ("3", "2"))
    assert "お休み" not in ipa and "通常の" not in ipa


def test_texts_on_dated_days_stay_within_three_segments(reader, dated_text):
    """Every desk the calendar can name, closed or on special hours, on the longest dates."""
    from ivr.sms.sending import BODY_LIMIT

    text = dated_text.replace("calendar:\n", 'calendar:\n  - date: "2026-12-28"\n    closed: all\n'
                              '  - date: "2026-09-30"\n    closed: all\n', 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    moments = [jst(2026, 12, 28, 10, 30), jst(2026, 9, 30, 23, 0), jst(2026, 12, 3, 11, 30)]
    checked = 0
    for path in walk(flow, moments[0]):
        desk = flow.routes.desks[path.desk]
        if not (desk.hours and desk.hours.known) or not (desk.phone or desk.email):
            continue
        for moment in moments:
            body = texted(flow, moment, path.keys)
            assert segments(body) <= 3 and len(body) <= BODY_LIMIT, (path.keys, moment, body)
            checked += 1
    assert checked >= 3 * 4
    closed = texted(flow, moments[0], ("2", "3"))  # こたエール, closed the day before the year-end break
    assert "12月28日（月）はお休みです。" in closed and "次の受付：1月4日（月）15:00から" in closed


# -- one flow serves every moment: what it works out once holds for that minute or day only --

def test_a_key_is_answered_afresh_each_minute(dated):
    before, last = center_answer(dated, jst(2026, 12, 1, 11, 59, 0)), center_answer(dated, jst(2026, 12, 1, 11, 59, 59))
    assert last == before and OFFER in plain(last.speech) and last.desk_open
    closing = center_answer(dated, jst(2026, 12, 1, 12, 0, 0))
    assert OFFER not in plain(closing.speech) and CLOSED_NOW in plain(closing.speech)
    assert closing.desk_open is False
    assert OFFER in plain(center_answer(dated, jst(2026, 12, 1, 11, 59, 30)).speech)


def test_a_new_call_is_greeted_afresh_each_day(dated):
    eve, day = dated.start(jst(2026, 12, 7, 23, 59, 59)), dated.start(jst(2026, 12, 8, 0, 0, 0))
    assert not eve.closure_day and day.closure_day
    assert NOTICE not in plain(dated.start(jst(2026, 11, 30, 23, 59, 59)).speech)
    assert NOTICE in plain(dated.start(jst(2026, 12, 1, 0, 0, 0)).speech)
    assert dated.start(jst(2026, 12, 7, 9, 0)) == eve


# -- a closure on a day the desk is closed anyway -----------------------------------------------

SATURDAY_CLOSURE = """
  - date: "2026-12-12"            # a Saturday: the center is closed anyway
    closed: [center]
    say: 本日は臨時休業とさせていただいております。
  - dates: ["2026-12-10", "2026-12-13"]   # a Thursday, then a Sunday
    closed: [center]
"""


@pytest.fixture(scope="module")
def saturday(dated_text, reader) -> CallFlow:
    text = dated_text.replace("calendar:\n", "calendar:" + SATURDAY_CLOSURE, 1)
    return CallFlow(parse_routes(text), reader, is_japan_holiday)


def test_a_closure_on_a_day_the_desk_is_closed_anyway_is_not_said(saturday, flow):
    moment = jst(2026, 12, 12, 11, 0)
    said = plain(center_answer(saturday, moment).speech)
    assert CLOSURE not in said and "臨時休業" not in said
    assert "土曜日、日曜日、祝日、年末年始はお休みです。本日は、お休みをいただいております。" in said
    assert said == plain(center_answer(flow, moment).speech)  # as on any Saturday
    text = saturday.text_message(saturday.routes.desks["center"], moment).body
    assert text == flow.text_message(flow.routes.desks["center"], moment).body
    assert "お休み" not in text


def test_check_warns_about_a_closure_on_a_day_the_desk_is_closed_anyway(saturday):
    from ivr.operators.lint import lint

    warnings = [p for p in lint(saturday, jst(2026, 12, 1, 10, 0)) if p.path[0] == "calendar"]
    assert [(p.path, p.message) for p in warnings] == [
        (("calendar", 0, "date"), "desk center is closed on 2026-12-12 anyway (sat); callers that "
                                  "day hear the usual closed days, not this entry: remove the date"),
        (("calendar", 1, "dates", 1), "desk center is closed on 2026-12-13 anyway (sun); callers that "
                                      "day hear the usual closed days, not this entry: remove the date"),
    ]
    assert all(p.line > 1 for p in warnings)


# -- a desk open around the clock every day ----------------------------------------------------

def test_all_does_not_close_a_desk_open_around_the_clock_every_day(dated_text, reader):
    """The 24時間子供SOSダイヤル says 「24時間、年中無休」: `all` leaves it open, never 「本日は臨時休業…
    次の受付は…午前0時から」 right after it."""
    text = dated_text.replace("calendar:\n", 'calendar:\n  - date: "2026-12-09"\n    closed: all\n'
                              f"    say: {CLOSURE}\n", 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    moment = jst(2026, 12, 9, 10, 30)
    child = plain(flow.press(Position("abuse"), "1", moment).speech)
    assert "24時間、年中無休で受け付けています。" in child
    assert CLOSURE not in child and "次の受付" not in child
    assert flow.routes.calendar.day("child_sos", moment.date()) is None
    assert CLOSURE in plain(center_answer(flow, moment).speech)  # every other desk with hours is closed
    assert "child_sos" not in flow.routes.calendar.entries[0].closed


def test_check_warns_when_a_closure_names_a_desk_open_around_the_clock(dated_text, reader):
    from ivr.operators.lint import lint

    text = dated_text.replace("calendar:\n", 'calendar:\n  - date: "2026-12-09"\n'
                              "    closed: [center, child_sos]\n", 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    warnings = [p for p in lint(flow, jst(2026, 12, 1, 10, 0)) if p.path[0] == "calendar"]
    assert [p.path for p in warnings] == [("calendar", 0, "closed", 1)]
    assert warnings[0].line == text.splitlines().index("    closed: [center, child_sos]") + 1
    assert warnings[0].message == (
        "desk child_sos is open 24 hours every day, and its answer says so; closed here, callers "
        "that day are told instead that it is closed today: remove child_sos from closed "
        "unless it really is closed that day")
    assert "24時間、年中無休" in warnings[0].message_in("ja") and "child_sos" in warnings[0].message_in("ja")


@pytest.mark.parametrize("entry, said", [
    ("    closed: [child_sos]\n", "本日は、お休みをいただいております。"),
    ('    open: {child_sos: ["10:00-12:00"]}\n', "本日の受付時間は、午前10時から正午までです。"),
])
def test_a_day_of_its_own_for_a_desk_open_around_the_clock_is_not_said_beside_24_hours(
        dated_text, reader, entry, said):
    """Closed, or given special hours, that day: its answer says so instead of 「24時間、年中無休」,
    which it would contradict; the day after, 年中無休 again."""
    text = dated_text.replace("calendar:\n", f'calendar:\n  - date: "2026-12-09"\n{entry}', 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    child = plain(flow.press(Position("abuse"), "1", jst(2026, 12, 9, 10, 30)).speech)
    assert said in child and "年中無休" not in child
    assert "24時間、年中無休で受け付けています。" in plain(
        flow.press(Position("abuse"), "1", jst(2026, 12, 10, 10, 30)).speech)


def test_a_closure_closed_anyway_is_said_with_japanese_day_words(dated_text, reader):
    from ivr.operators.lint import lint

    text = dated_text.replace("calendar:\n", 'calendar:\n  - date: "2026-12-12"\n    closed: [center]\n'
                              '  - date: "2026-11-23"\n    closed: [center]\n'  # 勤労感謝の日
                              '  - date: "2026-12-29"\n    closed: [center]\n', 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    said = [p.message_in("ja") for p in lint(flow, jst(2026, 11, 1, 10, 0)) if p.path[0] == "calendar"]
    assert len(said) == 3
    for message, why in zip(said, ("（土曜日）", "（祝日）", "（年末年始）"), strict=True):
        assert why in message and "この日付を削除してください。" in message, message
        assert not re.search(r"[a-z]{3}", message.split("は", 1)[1]), message  # no sat, holidays, year_end


def test_a_closure_of_a_desk_closed_anyway_beside_one_open_that_day_advises_removing_the_desk(
        dated_text, reader):
    """Saturday 12 December: the center is closed anyway, こたエール (mon-sat) is open. The entry is
    needed for こたエール, so the date stays: only the center comes out of it."""
    from ivr.operators.lint import lint

    entry = '  - date: "2026-12-12"\n    closed: [center, kotaeru]\n'
    text = dated_text.replace("calendar:\n", "calendar:\n" + entry, 1)
    flow = CallFlow(parse_routes(text), reader, is_japan_holiday)
    warnings = [p for p in lint(flow, jst(2026, 12, 1, 10, 0)) if p.path[0] == "calendar"]
    assert [p.path for p in warnings] == [("calendar", 0, "closed", 0)]
    assert warnings[0].message == (
        "desk center is closed on 2026-12-12 anyway (sat), while the entry's other desks are open; "
        "its callers that day hear its usual closed days, not this entry: remove center from closed")
    japanese = warnings[0].message_in("ja")
    assert "（土曜日）" in japanese and "closed から center を外してください。" in japanese
    assert "削除" not in japanese
