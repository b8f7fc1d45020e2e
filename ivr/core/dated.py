"""The operators' calendar: closures and special hours on given dates, and dated announcements.

Pure code: the date is always passed in (Japan time), nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .hours import NO_DATES, DatedHours, DayHours
from .readings import Text

GREETING = "greeting"


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
