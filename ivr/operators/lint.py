"""Warnings about a valid routes file that would make the line worse for callers."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..core.dated import dated_moments
from ..core.flow import CallFlow
from ..core.hours import in_japan
from ..core.paths import walk
from ..routesfile.reader import Problem
from ..web.twiml import SAY_MARGIN, oversized_says
from .preview import EAGER_LIMIT, PATIENT_LIMIT, speech_seconds, timings

MAX_TOPICS = 5
MAX_PRESSES = 3
ANNOUNCEMENT_LIMIT = 10.0  # seconds of speech


def lint(flow: CallFlow, now: datetime) -> list[Problem]:
    """Every warning for the routes behind `flow`, in file order."""
    routes = flow.routes
    found: list[Problem] = []

    def warn(path: tuple[str, ...], message: str) -> None:
        found.append(Problem(routes.source, routes.line(*path), path, message))

    for menu in routes.menus.values():
        if len(menu.options) > MAX_TOPICS:
            warn(("menus", menu.id, "options"),
                 f"{len(menu.options)} options: callers remember at most {MAX_TOPICS}; "
                 "consider moving some into a submenu")
    paths = walk(flow, now)
    presses: dict[str, int] = {}
    for path in paths:
        presses[path.desk] = min(presses.get(path.desk, len(path.keys)), len(path.keys))
    for desk_id in routes.desks:
        if desk_id not in presses:
            warn(("desks", desk_id), f"no menu leads to desk '{desk_id}': callers never hear it")
        elif presses[desk_id] > MAX_PRESSES:
            warn(("desks", desk_id),
                 f"desk '{desk_id}' is {presses[desk_id]} key presses deep; keep it within {MAX_PRESSES}")
    for timing in timings(flow, now):
        keys = timing.path.keys
        option = ("menus", timing.path.menus[-1], "options", keys[-1])
        if timing.eager > EAGER_LIMIT:
            warn(option, f"a caller who presses {'-'.join(keys)} at once hears "
                         f"{timing.eager:.1f} s before the number (limit {EAGER_LIMIT:.0f} s)")
        if timing.patient > PATIENT_LIMIT:
            warn(option, f"a caller who hears every menu to its end waits {timing.patient:.1f} s "
                         f"for the number on {'-'.join(keys)} (limit {PATIENT_LIMIT:.0f} s)")
    # Over the limits themselves the file is refused; close to them, a warning.
    found += oversized_says(flow, (now, now + timedelta(hours=12),
                                   *dated_moments(routes.calendar, now)), SAY_MARGIN)
    today = in_japan(now).date()
    for entry in routes.calendar.entries:
        if entry.dates and max(entry.dates) < today:
            warn(("calendar", entry.index),
                 f"every date of this entry is past (the last, {max(entry.dates)}); delete it")
    for announcement in routes.calendar.announcements:
        if announcement.last < today:
            warn(("announcements", announcement.index),
                 f"this announcement ended on {announcement.last}; delete it")
        seconds = speech_seconds(flow.announcements((announcement,)))
        if seconds > ANNOUNCEMENT_LIMIT:
            where = "every call" if announcement.greeting else "those answers"
            warn(("announcements", announcement.index, "say"),
                 f"takes {seconds:.1f} s to hear (limit {ANNOUNCEMENT_LIMIT:.0f} s) before "
                 f"{where}; shorten it")
    return sorted(found, key=lambda p: p.line)
