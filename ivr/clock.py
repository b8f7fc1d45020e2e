"""The real clock and holiday calendar, which the app and the commands pass into the core."""

from __future__ import annotations

from datetime import datetime

from .core.hours import JAPAN


def japan_now() -> datetime:
    """The current moment on Japan's clock."""
    return datetime.now(JAPAN)


def japan_holidays():
    """Japan's national holidays, substitute holidays and 国民の休日 included."""
    import holidays

    return holidays.country_holidays("JP")
