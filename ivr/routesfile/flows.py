"""The call flow for routes, loaded and checked as the server serves it: for the routes served
(`ivr.web.served`) and for the command line and the console, which need no server."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from ..core.dated import dated_moments
from ..core.flow import CallFlow
from ..core.hours import JAPAN, IsHoliday
from ..core.nearest import Examples
from ..core.readings import Reader
from ..core.routes import Routes
from .examples import load_examples
from .loader import RoutesError, parse_routes, read_routes_text
from .says import oversized_says


def checked_flow(routes: Routes, reader: Reader, is_holiday: IsHoliday, now: datetime,
                 examples: Examples | None = None) -> CallFlow:
    """The call flow for loaded routes (with callers' example sentences, `examples.py`);
    RoutesError if something callers would hear breaks Twilio's limits.

    Answers are measured now and twelve hours from now, so both an open and a closed desk's
    wording is seen, and on the coming days the calendar changes (closures, special hours,
    announcements).
    """
    flow = CallFlow(routes, reader, is_holiday, examples)
    problems = oversized_says(flow, (now, now + timedelta(hours=12),
                                     *dated_moments(routes.calendar, now)))
    if problems:
        raise RoutesError(problems)
    return flow


def offline_flow(path: str | Path) -> CallFlow:
    """The call flow for a routes file, wired as the server wires it, for the command line."""
    return offline_flow_of(read_routes_text(path), str(path))


def offline_flow_of(text: str, file: str = "routes.yaml") -> CallFlow:
    """The call flow for routes text (named `file` in problems), loaded and checked as the server
    does, with the shipped examples."""
    from ..clock import is_japan_holiday
    from ..core.wording import load_translations

    return checked_flow(parse_routes(text, file), Reader(load_translations()), is_japan_holiday,
                        datetime.now(JAPAN), load_examples())
