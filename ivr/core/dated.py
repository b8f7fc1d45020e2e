"""The operators' calendar: closures and special hours on given dates, and dated announcements.

Pure code: the date is always passed in (Japan time), nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .hours import JAPAN, NO_DATES, DatedHours, DayHours, in_japan
from .readings import Text

GREETING = "greeting"
SAMPLE_TIMES = (time(0, 0), time(10, 30))  # every desk closed; most desks open
SAMPLE_DAYS = 400  # dated entries further ahead are checked when they come nearer


@dataclass(frozen=True)
class Announcement:
    """Something said on every call from `first` to `last` (Japan dates, both included)."""

    first: date
    last: date
    say: Text
    greeting: bool  # said after the greeting; otherwise before the answers of `desks`
    desks: frozenset[str] = frozenset()
    index: int = 0  # its place under announcements: in routes.yaml

    def on(self, day: date) -> bool:
        """Whether it is said on this day."""
        return self.first <= day <= self.last


@dataclass(frozen=True)
class DatedEntry:
    """One entry under calendar: in routes.yaml, as written: for `ivr tree` and `ivr diff`."""

    dates: tuple[date, ...]
    closed: tuple[str, ...]
    open: tuple[tuple[str, DayHours], ...]
    say: Text
    index: int
    every: bool = False  # closed: all (every desk with hours of its own but those always open)


@dataclass(frozen=True)
class Calendar:
    """Every desk's dated hours, and the announcements, from routes.yaml."""

    hours: Mapping[str, DatedHours] = field(default_factory=dict)  # desk → date → hours
    announcements: tuple[Announcement, ...] = ()
    entries: tuple[DatedEntry, ...] = ()

    def desk_hours(self, desk: str) -> DatedHours:
        """A desk's dated hours (closures and special hours), by date."""
        return self.hours.get(desk, NO_DATES)

    def day(self, desk: str, day: date) -> DayHours | None:
        """What the calendar sets for a desk on a day, if anything."""
        return self.hours.get(desk, NO_DATES).get(day)

    def closes_any(self, day: date) -> bool:
        """Whether some desk is closed all day by the calendar."""
        return any(d.get(day) is not None and d[day].closed for d in self.hours.values())

    def at_greeting(self, day: date) -> tuple[Announcement, ...]:
        """The announcements said after the greeting on a day."""
        return tuple(a for a in self.announcements if a.greeting and a.on(day))

    def before_answer(self, desk: str, day: date) -> tuple[Announcement, ...]:
        """The announcements said before a desk's answer on a day."""
        return tuple(a for a in self.announcements if desk in a.desks and a.on(day))

    def last_day(self) -> date | None:
        """The last date any entry or announcement covers."""
        days = [max(e.dates) for e in self.entries] + [a.last for a in self.announcements]
        return max(days, default=None)


def dated_moments(calendar: Calendar, now: datetime) -> tuple[datetime, ...]:
    """Moments on the coming days the calendar changes what callers hear, to check its wording.

    Every date of an entry and the first day of every announcement (or today, if it has begun)
    up to SAMPLE_DAYS ahead; of days on which the calendar sets the same, only the first. Each at
    midnight and mid-morning, and at the start of each special span.
    """
    today = in_japan(now).date()
    horizon = today + timedelta(days=SAMPLE_DAYS)
    days = {day for entry in calendar.entries for day in entry.dates}
    days |= {max(a.first, today) for a in calendar.announcements if a.last >= today}
    seen: set[tuple] = set()
    moments: list[datetime] = []
    for day in sorted(d for d in days if today <= d <= horizon):
        set_that_day = tuple(sorted((desk, dated[day]) for desk, dated in calendar.hours.items()
                                    if day in dated))
        said = tuple(a.index for a in calendar.announcements if a.on(day))
        if (set_that_day, said) in seen:
            continue
        seen.add((set_that_day, said))
        starts = {time(span.start // 60, span.start % 60)
                  for _, hours in set_that_day for span in hours.spans if span.start < 24 * 60}
        moments += [datetime.combine(day, moment, tzinfo=JAPAN)
                    for moment in sorted(set(SAMPLE_TIMES) | starts)]
    return tuple(moments)
