"""The real clock and holiday calendar, which the app and the commands pass into the core."""

from __future__ import annotations

from datetime import date, datetime

import jpholiday

from .core.hours import JAPAN


def japan_now() -> datetime:
    """The current moment on Japan's clock."""
    return datetime.now(JAPAN)


def is_japan_holiday(day: date) -> bool:
    """Whether a day is one of Japan's national holidays, substitute holidays (振替休日) and
    国民の休日 included, as jpholiday works them out. jpholiday knows Japan alone: python-holidays,
    which gives the same days, imports every country's rules with Japan's, about 11 MB more in
    each worker (docs/benchmark.md)."""
    return jpholiday.is_holiday(day)


def japan_holiday_name(day: date) -> str | None:
    """The holiday's name in Japanese (元日, 憲法記念日 振替休日), or None on any other day."""
    return jpholiday.is_holiday_name(day)
