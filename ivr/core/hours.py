"""Opening hours in Japan time: open now, and when a desk next opens.

Pure code: the moment and the holiday calendar are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")
DAY_MINUTES = 24 * 60
YEAR_END = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
SEARCH_DAYS = 21

IsHoliday = Callable[[date], bool]


@dataclass(frozen=True)
class Span:
    """One opening span within a day, in minutes after midnight; end may be 1440."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        """Whether a minute of the day falls inside the span."""
        return self.start <= minute < self.end


@dataclass(frozen=True)
class Hours:
    """When a desk takes calls, or a spoken note where hours vary by office."""

    days: frozenset[int] = frozenset()  # 0 = Monday … 6 = Sunday
    spans: tuple[Span, ...] = ()
    closed_on_holidays: bool = True
    closed_year_end: bool = True
    varies: str | None = None

    @property
    def known(self) -> bool:
        """Whether open and closed can be worked out."""
        return self.varies is None

    @property
    def always(self) -> bool:
        """Open around the clock on every day of the year."""
        return (
            self.known
            and self.days == frozenset(range(7))
            and self.spans == (Span(0, DAY_MINUTES),)
            and not self.closed_on_holidays
            and not self.closed_year_end
        )


def in_japan(moment: datetime) -> datetime:
    """The same moment on Japan's clock; naive moments are taken as Japan time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=JAPAN)
    return moment.astimezone(JAPAN)


def is_year_end(day: date) -> bool:
    """Whether a day falls in the year-end break, 29 December to 3 January."""
    return (day.month, day.day) in YEAR_END


def opens_on(hours: Hours, day: date, is_holiday: IsHoliday) -> bool:
    """Whether the desk takes calls at all on this day."""
    if day.weekday() not in hours.days:
        return False
    if hours.closed_year_end and is_year_end(day):
        return False
    if hours.closed_on_holidays and is_holiday(day):
        return False
    return True


def is_open(hours: Hours, moment: datetime, is_holiday: IsHoliday) -> bool:
    """Whether the desk is open at this moment (Japan time)."""
    if not hours.known:
        return False
    local = in_japan(moment)
    if not opens_on(hours, local.date(), is_holiday):
        return False
    minute = local.hour * 60 + local.minute
    return any(span.contains(minute) for span in hours.spans)


def next_opening(hours: Hours, moment: datetime, is_holiday: IsHoliday) -> datetime | None:
    """The next moment after `moment` at which a closed desk opens, in Japan time."""
    if not hours.known or not hours.spans:
        return None
    local = in_japan(moment)
    minute = local.hour * 60 + local.minute
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if not opens_on(hours, day, is_holiday):
            continue
        for span in hours.spans:
            if offset == 0 and span.start <= minute:
                continue
            start = datetime.combine(day, time()) + timedelta(minutes=span.start)
            return start.replace(tzinfo=JAPAN)
    return None
