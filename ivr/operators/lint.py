"""Warnings about a valid routes file that would make the line worse for callers."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..core.dated import dated_moments
from ..core.flow import CallFlow, label_text
from ..core.hours import in_japan, is_year_end, opens_on
from ..core.understanding import ends_in_a_predicate
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
        for option in menu.options:
            label = label_text(option.label)
            if ends_in_a_predicate(label):
                # TRANSLATORS: one menu choice, e.g. 広告や宣伝のメールは1を、
                heard = flow.t.gettext("%(label)s, press %(key)s;") % {"label": label, "key": option.key}
                warn(("menus", menu.id, "options", option.key, "label"),
                     f"'{label}' ends in a verb or adjective, so callers hear '{heard}'; "
                     "reword it to end in a noun")
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
    found += _closures_on_closed_days(flow)
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


def _closures_on_closed_days(flow: CallFlow) -> list[Problem]:
    """A calendar closure on a day its desk is closed anyway (a weekend, a holiday, the year-end
    break): callers that day hear the usual closed days, so the entry says nothing."""
    routes = flow.routes
    timed = {d for d, desk in routes.desks.items() if desk.hours is not None and desk.hours.known}
    found = []
    for entry in routes.calendar.entries:
        every = bool(entry.closed) and set(entry.closed) == timed
        for n, day in enumerate(entry.dates):
            anyway = [d for d in entry.closed
                      if not opens_on(routes.desks[d].hours, day, flow.is_holiday)]
            if not anyway or (every and len(anyway) < len(entry.closed)):
                continue
            where = ("calendar", entry.index, "dates", n) if len(entry.dates) > 1 else ("calendar", entry.index, "date")
            found.append(Problem(routes.source, routes.line(*where), where,
                                 f"{'desk' if len(anyway) == 1 else 'desks'} {', '.join(anyway)} "
                                 f"{'is' if len(anyway) == 1 else 'are'} closed on {day} anyway "
                                 f"({_why_closed(flow, day)}); "
                                 "callers that day hear the usual closed days, not this entry: "
                                 "remove the date"))
    return found


def _why_closed(flow: CallFlow, day) -> str:
    """Why desks are usually closed on a day, in the file's words."""
    if is_year_end(day):
        return "year_end"
    if flow.is_holiday(day):
        return "holidays"
    return day.strftime("%a").lower()
