"""The text message with a desk's details, for a caller who asked for one.

Pure code: no Flask, no Twilio, no clock. CallFlow (flow.py) decides whether the caller may
have one and what is true on the day (the calendar's closure or special hours, when the desk
next opens); this module writes the body.
"""

from __future__ import annotations

from datetime import date, datetime

from .hours import DayHours, in_japan
from .readings import Reader
from .routes import Desk
from .steps import TextMessage


def can_text(desk: Desk) -> bool:
    """Whether a desk's details can go by text message: it has a number or an address."""
    return bool(desk.phone or desk.email)


def text_message(desk: Desk, reader: Reader, dated: DayHours | None = None,
                 today: date | None = None, opens: datetime | None = None) -> TextMessage:
    """The text message with a desk's details: name, number or address, hours, web address.

    On a day the calendar closes the desk or gives it special hours (`dated`, for the Japan
    date `today`), the message says so, gives the next opening (`opens`, when the desk opens
    no more that day), and calls the hours it usually keeps its usual hours.
    """
    t = reader.t
    # TRANSLATORS: first line of the text message a caller asked for; says who sends it and why.
    lines = [t.gettext("From the spam email advice line, the desk you asked about on the phone:"),
             desk.name]
    if desk.phone:
        # TRANSLATORS: a desk's telephone number in the text message, e.g. 電話：03-5974-0068
        lines.append(t.gettext("Phone: %(number)s") % {"number": desk.phone.written})
    if desk.email:
        # TRANSLATORS: a desk's email address in the text message, e.g. メール：info@antiphishing.jp
        lines.append(t.gettext("Email: %(address)s") % {"address": desk.email.address})
    if dated is not None:
        lines += dated_lines(reader, dated, today, opens)
    if desk.hours is not None and desk.hours.varies is not None:
        lines.append(desk.hours.varies)  # a sentence of its own, e.g. 受付時間は、…によって異なります。
    elif desk.hours is not None and dated is not None:
        # TRANSLATORS: text message on a closure or special day: the usual hours, e.g. 通常の受付：平日 10:00〜12:00
        lines.append(t.gettext("Usual hours: %(hours)s") % {"hours": reader.written_hours(desk.hours)})
    elif desk.hours is not None:
        # TRANSLATORS: a desk's hours in the text message, e.g. 受付：平日 10:00〜12:00（祝日、年末年始を除く）
        lines.append(t.gettext("Hours: %(hours)s") % {"hours": reader.written_hours(desk.hours)})
    if desk.url:
        lines.append(desk.url)
    return TextMessage(desk.id, "\n".join(lines))


def dated_lines(reader: Reader, dated: DayHours, today: date, opens: datetime | None) -> list[str]:
    """A text message's lines for a day the calendar closes the desk or gives it special hours,
    with the next opening when it is on a later day."""
    t = reader.t
    day = reader.written_date(today)
    if dated.closed:
        # TRANSLATORS: text message: the calendar closes the desk all day, e.g. 12月8日（火）はお休みです。
        lines = [t.gettext("Closed all day on %(date)s.") % {"date": day}]
    else:
        # TRANSLATORS: text message: one day's special hours, e.g. 12月3日（木）の受付：10:00〜11:00
        lines = [t.gettext("Hours on %(date)s: %(spans)s")
                 % {"date": day, "spans": reader.written_spans(dated.spans)}]
    if opens is not None and in_japan(opens).date() != today:
        opens = in_japan(opens)
        # TRANSLATORS: text message: when the desk next opens, e.g. 次の受付：12月9日（水）10:00から
        lines.append(t.gettext("Next open: %(date)s from %(time)s") % {
            "date": reader.written_date(opens.date()),
            "time": reader.written_time(opens.hour * 60 + opens.minute)})
    return lines
