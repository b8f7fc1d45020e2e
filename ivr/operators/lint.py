"""Warnings about a valid routes file that would make the line worse for callers."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from ..core.dated import dated_moments
from ..core.flow import CallFlow
from ..core.hours import in_japan, is_year_end, opens_on
from ..core.notices import notice, pnotice
from ..core.speech import label_text
from ..core.understanding import ends_in_a_predicate
from ..core.paths import walk
from ..routesfile.reader import Problem
from ..routesfile.says import SAY_MARGIN, oversized_says
from .preview import EAGER_LIMIT, PATIENT_LIMIT, speech_seconds, timings

MAX_TOPICS = 5
MAX_PRESSES = 3
ANNOUNCEMENT_LIMIT = 10.0  # seconds of speech


def lint(flow: CallFlow, now: datetime) -> list[Problem]:
    """Every warning for the routes behind `flow`, in file order."""
    routes = flow.routes
    found: list[Problem] = []

    def warn(path: tuple[str, ...], message: str) -> None:  # message: a Notice
        found.append(Problem(routes.source, routes.line(*path), path, message))

    for menu in routes.menus.values():
        for option in menu.options:
            label = label_text(option.label)
            if ends_in_a_predicate(label):
                # TRANSLATORS: one menu choice, e.g. 広告や宣伝のメールは1を、
                heard = flow.t.gettext("%(label)s, press %(key)s;") % {"label": label, "key": option.key}
                # TRANSLATORS: a menu label ending in a verb reads badly before は1を; heard is the menu's words.
                warn(("menus", menu.id, "options", option.key, "label"),
                     notice("'%(label)s' ends in a verb or adjective, so callers hear '%(heard)s'; "
                            "reword it to end in a noun", label=label, heard=heard))
        if len(menu.options) > MAX_TOPICS:
            # TRANSLATORS: a menu with more choices than callers can keep in mind.
            warn(("menus", menu.id, "options"),
                 notice("%(count)s options: callers remember at most %(most)s; "
                        "consider moving some into a submenu", count=len(menu.options), most=MAX_TOPICS))
    found += _phrases_of_two_desks(flow)
    found += _stale_email_readings(flow)
    paths = walk(flow, now)
    presses: dict[str, int] = {}
    for path in paths:
        presses[path.desk] = min(presses.get(path.desk, len(path.keys)), len(path.keys))
    for desk_id in routes.desks:
        if desk_id not in presses:
            # TRANSLATORS: a desk that no menu choice leads to.
            warn(("desks", desk_id), notice("no menu leads to desk '%(desk)s': callers never hear it",
                                            desk=desk_id))
        elif presses[desk_id] > MAX_PRESSES:
            # TRANSLATORS: a desk callers reach only after pressing too many keys.
            warn(("desks", desk_id),
                 notice("desk '%(desk)s' is %(presses)s key presses deep; keep it within %(most)s",
                        desk=desk_id, presses=presses[desk_id], most=MAX_PRESSES))
    # A path over a limit only because of that day's announcements is counted once, under the
    # announcements (below), not warned about on every path the operator never touched.
    announced = [a for a in routes.calendar.announcements if a.on(in_japan(now).date())]
    quiet = {}
    if announced:
        before = min(a.first for a in routes.calendar.announcements) - timedelta(days=2)
        moment = now.replace(year=before.year, month=before.month, day=before.day)
        quiet = {t.path.keys: t for t in timings(flow, moment)}
    lengthened: list[tuple[float, tuple[str, ...]]] = []
    for timing in timings(flow, now):
        keys = timing.path.keys
        option = ("menus", timing.path.menus[-1], "options", keys[-1])
        calm = quiet.get(keys)
        if calm is not None and (timing.eager > EAGER_LIMIT or timing.patient > PATIENT_LIMIT) and (
                calm.eager <= EAGER_LIMIT and calm.patient <= PATIENT_LIMIT):
            lengthened.append((timing.eager, keys))
            continue
        if timing.eager > EAGER_LIMIT:
            # TRANSLATORS: seconds of speech before the desk's number, for a caller who presses as
            # soon as their topic is named; keys like 1-2.
            warn(option, notice("a caller who presses %(keys)s at once hears %(seconds)s s before the "
                                "number (limit %(limit)s s)", keys="-".join(keys),
                                seconds=format(timing.eager, ".1f"), limit=format(EAGER_LIMIT, ".0f")))
        if timing.patient > PATIENT_LIMIT:
            # TRANSLATORS: seconds of speech before the desk's number, for a caller who hears every
            # menu to its end; keys like 1-2.
            warn(option, notice("a caller who hears every menu to its end waits %(seconds)s s for the "
                                "number on %(keys)s (limit %(limit)s s)", keys="-".join(keys),
                                seconds=format(timing.patient, ".1f"), limit=format(PATIENT_LIMIT, ".0f")))
    if lengthened:
        seconds, keys = max(lengthened)
        first = announced[0]
        # TRANSLATORS: the day's announcements make paths longer than the limits before the
        # number; count paths, the longest is keys (e.g. 1-3) with seconds before the number for a
        # caller who presses at once.
        warn(("announcements", first.index, "say"),
             notice("with the announcements said that day, %(count)s paths take longer than the limits "
                    "(%(eager)s s for a caller who presses at once, %(patient)s s for one who hears every "
                    "menu) before the number; the longest, %(keys)s, %(seconds)s s: shorten them",
                    count=len(lengthened), eager=format(EAGER_LIMIT, ".0f"),
                    patient=format(PATIENT_LIMIT, ".0f"), keys="-".join(keys),
                    seconds=format(seconds, ".1f")))
    # Over the limits themselves the file is refused; close to them, a warning.
    found += oversized_says(flow, (now, now + timedelta(hours=12),
                                   *dated_moments(routes.calendar, now)), SAY_MARGIN)
    today = in_japan(now).date()
    for entry in routes.calendar.entries:
        if entry.dates and max(entry.dates) < today:
            # TRANSLATORS: a calendar entry whose dates are all past; last is its last date.
            warn(("calendar", entry.index),
                 notice("every date of this entry is past (the last, %(last)s); delete it",
                        last=max(entry.dates)))
    found += _closures_on_closed_days(flow)
    for entry in routes.calendar.entries:
        for j, desk_id in enumerate(() if entry.every else entry.closed):
            if routes.desks[desk_id].hours.always:
                # TRANSLATORS: a calendar entry closes a desk open around the clock every day, whose
                # answer says so (24時間、年中無休で受け付けています。); that day it says it is closed.
                warn(("calendar", entry.index, "closed", j),
                     notice("desk %(desk)s is open 24 hours every day, and its answer says so; closed "
                            "here, callers that day are told instead that it is closed today: remove "
                            "%(desk)s from closed unless it really is closed that day", desk=desk_id))
    for announcement in routes.calendar.announcements:
        if announcement.last < today:
            # TRANSLATORS: an announcement whose last day is past.
            warn(("announcements", announcement.index),
                 notice("this announcement ended on %(last)s; delete it", last=announcement.last))
        seconds = speech_seconds(flow.announcements((announcement,)))
        if seconds > ANNOUNCEMENT_LIMIT and announcement.greeting:
            # TRANSLATORS: an announcement said after the greeting takes too long to hear.
            warn(("announcements", announcement.index, "say"),
                 notice("takes %(seconds)s s to hear (limit %(limit)s s) before every call; shorten it",
                        seconds=format(seconds, ".1f"), limit=format(ANNOUNCEMENT_LIMIT, ".0f")))
        elif seconds > ANNOUNCEMENT_LIMIT:
            # TRANSLATORS: an announcement said before some desks' answers takes too long to hear.
            warn(("announcements", announcement.index, "say"),
                 notice("takes %(seconds)s s to hear (limit %(limit)s s) before those answers; shorten it",
                        seconds=format(seconds, ".1f"), limit=format(ANNOUNCEMENT_LIMIT, ".0f")))
    return sorted(found, key=lambda p: p.line)


def _stale_email_readings(flow: CallFlow) -> list[Problem]:
    """An email_reading that cannot be the address's: it says the address's symbols (@ and .) a
    different number of times, as when the address changed and its reading did not."""
    routes = flow.routes
    symbols = flow.reader.symbols
    found = []
    for desk in routes.desks.values():
        if desk.email is None or not desk.email_reading:
            continue
        reading = "".join(desk.email_reading)
        address = desk.email.address
        # The reading may shorten the spelled symbol (アット for アットマーク): its first two characters.
        said = {mark: reading.count(symbols[mark][:2]) for mark in "@."}
        if all(said[mark] == address.count(mark) for mark in "@."):
            continue
        # TRANSLATORS: a desk's email_reading says @ (at) or . (dot) a different number of times than
        # its email address has them: the address was probably changed and the reading not.
        found.append(Problem(routes.source, routes.line("desks", desk.id, "email_reading"),
                             ("desks", desk.id, "email_reading"),
                             notice("reads @ %(at_count)s times and . %(dot_count)s times, but %(address)s "
                                    "has %(ats)s @ and %(dots)s .: make it read the address as it is now",
                                    at_count=said["@"], dot_count=said["."], address=address,
                                    ats=address.count("@"), dots=address.count("."))))
    return found


def _phrases_of_two_desks(flow: CallFlow) -> list[Problem]:
    """A says: phrase given again for an option leading to another desk (width and case aside): it
    cannot tell the two apart (callers who say it are asked between them, or sent to the urgent one)."""
    routes = flow.routes
    first: dict[str, tuple[str, str, str]] = {}  # phrase → the first option's menu, key and desk
    found = []
    for menu in routes.menus.values():
        for option in menu.options:
            for i, phrase in enumerate(option.says):
                other = first.setdefault(unicodedata.normalize("NFKC", phrase).casefold(),
                                         (menu.id, option.key, option.desk))
                if option.desk is None or other[2] is None or other[2] == option.desk:
                    continue
                where = ("menus", menu.id, "options", option.key, "says", i)
                # TRANSLATORS: one says: phrase given for two options that lead to different desks;
                # other is the first option as menu/key (e.g. top/4), as unclear: choices writes it.
                message = notice("'%(phrase)s' is among the says: of both %(other)s (desk %(other_desk)s) "
                                 "and %(this)s (desk %(desk)s), so it cannot tell callers' two topics "
                                 "apart: keep it in one of them", phrase=phrase,
                                 other=f"{other[0]}/{other[1]}", other_desk=other[2],
                                 this=f"{menu.id}/{option.key}", desk=option.desk)
                found.append(Problem(routes.source, routes.line(*where), where, message))
    return found


def _closures_on_closed_days(flow: CallFlow) -> list[Problem]:
    """A calendar closure on a day its desk is closed anyway (a weekend, a holiday, the year-end
    break): callers that day hear the usual closed days, so the entry says nothing for that desk.

    A date on which every desk the entry closes is closed anyway can go; a desk the entry names
    that is closed anyway on all its dates, while another of its desks is open on one, can come
    out of the entry. A desk closed anyway on some of the dates only is left alone: the entry is
    right for it on the others.
    """
    routes = flow.routes
    found = []
    for entry in routes.calendar.entries:
        anyway = {d: [day for day in entry.dates if not opens_on(routes.desks[d].hours, day, flow.is_holiday)]
                  for d in entry.closed}
        wholly = set()
        for n, day in enumerate(entry.dates):
            shut = [d for d in entry.closed if day in anyway[d]]
            if not shut or len(shut) < len(entry.closed):
                continue
            wholly.add(day)
            where = ("calendar", entry.index, "dates", n) if len(entry.dates) > 1 else ("calendar", entry.index, "date")
            if len(shut) == 1:
                # TRANSLATORS: a closure on a day the desk is closed anyway; why is the reason in
                # words (ja: 土曜日, 祝日, 年末年始).
                message = notice("desk %(desks)s is closed on %(day)s anyway (%(why)s); callers that day "
                                 "hear the usual closed days, not this entry: remove the date",
                                 desks=shut, day=day, why=_why_closed(flow, day))
            else:
                # TRANSLATORS: a closure on a day the desks are closed anyway; why is the reason in
                # words (ja: 土曜日, 祝日, 年末年始).
                message = notice("desks %(desks)s are closed on %(day)s anyway (%(why)s); callers that day "
                                 "hear the usual closed days, not this entry: remove the date",
                                 desks=shut, day=day, why=_why_closed(flow, day))
            found.append(Problem(routes.source, routes.line(*where), where, message))
        for j, desk_id in enumerate(() if entry.every else entry.closed):
            days = anyway[desk_id]
            if len(days) < len(entry.dates) or set(days) <= wholly:
                continue
            where = ("calendar", entry.index, "closed", j)
            # TRANSLATORS: a closure names a desk closed anyway on its dates (day: one date or
            # several) while the entry's other desks are open; why is the reason in words (ja: 土曜日).
            message = notice("desk %(desk)s is closed on %(day)s anyway (%(why)s), while the entry's other "
                             "desks are open; its callers that day hear its usual closed days, not this "
                             "entry: remove %(desk)s from closed", desk=desk_id, day=days,
                             why=[_why_closed(flow, day) for day in days])
            found.append(Problem(routes.source, routes.line(*where), where, message))
    return found


# Why a desk is usually closed on a day, in the file's words (in English) for _closures_on_closed_days.
_WEEKDAYS = (
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Monday (ja: 月曜日).
    pnotice("closed day", "mon"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Tuesday (ja: 火曜日).
    pnotice("closed day", "tue"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Wednesday (ja: 水曜日).
    pnotice("closed day", "wed"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Thursday (ja: 木曜日).
    pnotice("closed day", "thu"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Friday (ja: 金曜日).
    pnotice("closed day", "fri"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Saturday (ja: 土曜日).
    pnotice("closed day", "sat"),
    # TRANSLATORS: why a desk is closed on a day: its days: leave out Sunday (ja: 日曜日).
    pnotice("closed day", "sun"),
)


def _why_closed(flow: CallFlow, day) -> str:
    """Why desks are usually closed on a day: the file's word for it, said in the locale."""
    if is_year_end(day):
        # TRANSLATORS: why a desk is closed on a day: the year-end break, 29 December to 3 January
        # (closed: [year_end]; ja: 年末年始).
        return pnotice("closed day", "year_end")
    if flow.is_holiday(day):
        # TRANSLATORS: why a desk is closed on a day: a national holiday (closed: [holidays]; ja: 祝日).
        return pnotice("closed day", "holidays")
    return _WEEKDAYS[day.weekday()]
