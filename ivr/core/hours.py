"""Opening hours in Japan time: open now, and when a desk next opens.

Pure code: the moment and the holiday calendar are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


@dataclass(frozen=True)
class DayHours:
    """One desk's hours on one date, set by the operators' calendar instead of the usual ones.

    No spans: the desk is closed all that day. `say` is operator text for its answers that day.
    """

    spans: tuple[Span, ...] = ()
    say: tuple = ()

    @property
    def closed(self) -> bool:
        """Closed for the whole day."""
        return not self.spans


DatedHours = Mapping[date, DayHours]
NO_DATES: DatedHours = {}


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


def spans_on(hours: Hours, day: date, is_holiday: IsHoliday,
             dated: DatedHours = NO_DATES) -> tuple[Span, ...]:
    """The desk's opening spans on a day: the calendar's for that date, else the usual ones."""
    special = dated.get(day)
    if special is not None:
        return special.spans
    return hours.spans if opens_on(hours, day, is_holiday) else ()


def is_open(hours: Hours, moment: datetime, is_holiday: IsHoliday,
            dated: DatedHours = NO_DATES) -> bool:
    """Whether the desk is open at this moment (Japan time), dated closures and hours included."""
    if not hours.known:
        return False
    local = in_japan(moment)
    minute = local.hour * 60 + local.minute
    return any(span.contains(minute) for span in spans_on(hours, local.date(), is_holiday, dated))


def next_opening(hours: Hours, moment: datetime, is_holiday: IsHoliday,
                 dated: DatedHours = NO_DATES) -> datetime | None:
    """The next moment after `moment` at which a closed desk opens, in Japan time.

    Dated closures are skipped and dated hours used, so a closure on a Friday moves it to Monday.
    """
    if not hours.known or not (hours.spans or dated):
        return None
    local = in_japan(moment)
    minute = local.hour * 60 + local.minute
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        for span in spans_on(hours, day, is_holiday, dated):
            if offset == 0 and span.start <= minute:
                continue
            start = datetime.combine(day, time()) + timedelta(minutes=span.start)
            return start.replace(tzinfo=JAPAN)
    return None
