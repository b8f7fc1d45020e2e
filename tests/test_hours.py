"""Open or closed, and the next opening, for the desks' real hours in Japan time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from ivr.clock import is_japan_holiday, japan_now
from ivr.core.hours import JAPAN, is_open, next_opening

JP = is_japan_holiday


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=JAPAN)


@pytest.mark.parametrize("moment, expected", [
    (jst(2026, 12, 1, 10, 0), True),     # Tuesday, opening minute
    (jst(2026, 12, 1, 9, 59), False),    # before opening
    (jst(2026, 12, 1, 11, 59), True),
    (jst(2026, 12, 1, 12, 0), False),    # lunch
    (jst(2026, 12, 1, 12, 59), False),
    (jst(2026, 12, 1, 13, 0), True),
    (jst(2026, 12, 1, 16, 59), True),
    (jst(2026, 12, 1, 17, 0), False),    # evening
    (jst(2026, 12, 5, 11, 0), False),    # Saturday
    (jst(2026, 12, 6, 11, 0), False),    # Sunday
    (jst(2026, 11, 23, 11, 0), False),   # 勤労感謝の日 (Monday)
    (jst(2026, 5, 6, 11, 0), False),     # 振替休日 for 憲法記念日 on a Sunday
    (jst(2026, 9, 22, 11, 0), False),    # 国民の休日 between two holidays
    (jst(2026, 12, 28, 11, 0), True),    # last working day of the year
    (jst(2026, 12, 29, 11, 0), False),   # year-end break, a Tuesday
    (jst(2027, 1, 3, 11, 0), False),
    (jst(2027, 1, 4, 10, 0), True),      # first working day after the break
])
def test_center_hours(routes, moment, expected):
    assert is_open(routes.desks["center"].hours, moment, JP) is expected


@pytest.mark.parametrize("desk, moment, expected", [
    ("jiaa", jst(2026, 12, 1, 12, 29), False),
    ("jiaa", jst(2026, 12, 1, 12, 30), True),   # 午前12時30分 read as 12:30
    ("jiaa", jst(2026, 12, 1, 15, 59), True),
    ("jiaa", jst(2026, 12, 1, 16, 0), False),
    ("ipa", jst(2026, 12, 1, 13, 15), False),   # lunch until 13:30
    ("ipa", jst(2026, 12, 1, 13, 30), True),
    ("jinken", jst(2026, 12, 1, 8, 30), True),
    ("jinken", jst(2026, 12, 1, 17, 14), True),
    ("jinken", jst(2026, 12, 1, 17, 15), False),
    ("kotaeru", jst(2026, 12, 5, 15, 0), True),  # Saturday afternoon
    ("kotaeru", jst(2026, 12, 6, 15, 0), False),  # Sunday
    ("kotaeru", jst(2026, 12, 1, 14, 59), False),
    ("kotaeru", jst(2026, 12, 1, 20, 59), True),
    ("child_sos", jst(2026, 12, 31, 3, 0), True),  # 24 hours, all year
    ("child_sos", jst(2027, 1, 1, 0, 0), True),
    ("hotline", jst(2026, 12, 1, 10, 30), False),  # hours vary: never counted as open
])
def test_other_desks(routes, desk, moment, expected):
    assert is_open(routes.desks[desk].hours, moment, JP) is expected


@pytest.mark.parametrize("moment, opens", [
    (jst(2026, 12, 1, 12, 15), jst(2026, 12, 1, 13, 0)),    # lunch → this afternoon
    (jst(2026, 12, 1, 17, 30), jst(2026, 12, 2, 10, 0)),    # evening → tomorrow
    (jst(2026, 12, 5, 9, 0), jst(2026, 12, 7, 10, 0)),      # Saturday → Monday
    (jst(2026, 11, 21, 9, 0), jst(2026, 11, 24, 10, 0)),    # Saturday before a holiday Monday
    (jst(2026, 5, 2, 9, 0), jst(2026, 5, 7, 10, 0)),        # Golden Week with a substitute holiday
    (jst(2026, 12, 28, 17, 0), jst(2027, 1, 4, 10, 0)),     # over the year-end break
    (jst(2026, 12, 1, 6, 0), jst(2026, 12, 1, 10, 0)),      # early morning → today
])
def test_next_opening(routes, moment, opens):
    assert next_opening(routes.desks["center"].hours, moment, JP) == opens


def test_moments_in_other_zones_are_read_as_japan_time(routes):
    hours = routes.desks["center"].hours
    utc_morning = datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)      # 10:30 in Japan
    new_york_evening = datetime(2026, 11, 30, 20, 30, tzinfo=timezone(timedelta(hours=-5)))
    utc_night = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)          # 18:00 in Japan
    assert is_open(hours, utc_morning, JP)
    assert is_open(hours, new_york_evening, JP)
    assert not is_open(hours, utc_night, JP)
    assert next_opening(hours, utc_night, JP) == jst(2026, 12, 2, 10, 0)


def test_japan_clock_ignores_the_server_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        now = japan_now()
        assert now.utcoffset() == timedelta(hours=9)
        assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_no_next_opening_when_hours_vary(routes):
    assert next_opening(routes.desks["police"].hours, jst(2026, 12, 1, 10, 0), JP) is None


def test_dated_hours_replace_the_usual_ones_for_that_day_only(routes):
    from ivr.core.hours import DayHours, Span, spans_on

    center = routes.desks["center"].hours
    dated = {jst(2026, 12, 29).date(): DayHours((Span(600, 660),)),   # in the year-end break
             jst(2026, 12, 1).date(): DayHours()}                      # an ordinary Tuesday
    assert spans_on(center, jst(2026, 12, 29).date(), JP, dated) == (Span(600, 660),)
    assert is_open(center, jst(2026, 12, 29, 10, 59), JP, dated)
    assert not is_open(center, jst(2026, 12, 29, 11, 0), JP, dated)
    assert not is_open(center, jst(2026, 12, 1, 10, 30), JP, dated)
    assert is_open(center, jst(2026, 12, 2, 10, 30), JP, dated)
    assert next_opening(center, jst(2026, 11, 30, 17, 0), JP, dated) == jst(2026, 12, 2, 10, 0)
    assert next_opening(center, jst(2026, 12, 28, 17, 0), JP, dated) == jst(2026, 12, 29, 10, 0)


def test_next_opening_skips_a_run_of_closed_dates():
    from datetime import date

    from ivr.core.hours import DayHours, Hours, Span

    weekdays = Hours(frozenset(range(5)), (Span(600, 1020),), True, True)
    closed = {date(2026, 12, 1) + timedelta(days=n): DayHours() for n in range(14)}
    assert next_opening(weekdays, jst(2026, 11, 30, 18, 0), JP, closed) == jst(2026, 12, 15, 10, 0)
