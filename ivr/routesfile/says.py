"""What callers would hear, held to Twilio's limits on one <Say>: the <Say> as served (twilio's
`Say`, numbers slowed in a <prosody>), its size, and the problems of routes that exceed it.

Here, below the web layer, because `ivr check`, the routes served and the offline flow
(`flows.py`) all hold routes to these limits before anything is served.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import quote
from xml.etree import ElementTree

from twilio.twiml.voice_response import Say

from ..core.flow import CallFlow
from ..core.hours import in_japan
from ..core.notices import Conjunction, notice
from ..core.paths import walk
from ..core.readings import Pause, Segment, Spoken, spoken_parts
from ..core.routes import LANGUAGE, TOP_MENU
from .reader import Problem, format_path

SAY_CHARACTERS = 4096  # Twilio speaks at most this many characters in one <Say>
SAY_URL_ENCODED = 4500  # above this many URL-encoded characters Twilio warns (13521)
SAY_MARGIN = 0.9  # `ivr check` warns from this share of either limit


def say(segments: tuple[Segment, ...], voice: str) -> Say:
    """One <Say> in Japanese: the parts `spoken_parts` gives, numbers and addresses in a <prosody> at
    their stated rate, each pause a <break>."""
    element = Say(voice=voice, language=LANGUAGE)
    parts = spoken_parts(segments)
    slow = None  # the <prosody> of the number being said, while its groups go on
    for i, part in enumerate(parts):
        if isinstance(part, Pause):
            after = parts[i + 1] if i + 1 < len(parts) else None
            if slow is not None and isinstance(after, Spoken) and after.rate != 100:
                slow.break_(time=f"{part.ms}ms")
            else:
                slow = None
                element.break_(time=f"{part.ms}ms")
        elif part.rate != 100:
            if slow is None:
                slow = element.prosody(rate=f"{part.rate}%")
            slow.append(part.text)
        else:
            slow = None
            element.append(part.text)
    return element


def say_size(segments: tuple[Segment, ...], voice: str) -> tuple[int, int]:
    """Characters spoken in the <Say> for these segments, and the URL-encoded length of its content."""
    xml = say(segments, voice).to_xml()
    content = xml[xml.index(">") + 1:xml.rindex("<")]
    return len("".join(ElementTree.fromstring(xml).itertext())), len(quote(content, safe=""))


def oversized_says(flow: CallFlow, moments: Iterable[datetime], share: float = 1.0) -> list[Problem]:
    """A problem for each menu and answer whose <Say> is over `share` of Twilio's limits.

    Answers are read at each of `moments`: what a desk's answer says depends on whether it is open.
    Where the dated texts said that day (announcements, a closure's `say:`) are what make it too
    long, the problem names those texts, the longest first, as few as bring it within the limits,
    so the operator edits the right place; otherwise it names the menu or option.
    """
    routes = flow.routes
    found: dict[tuple, tuple[tuple[int, int], str]] = {}  # where → (largest size, problem's message)

    def over(size: tuple[int, int]) -> Conjunction:
        characters, encoded = size
        why = []
        if characters > SAY_CHARACTERS * share:
            # TRANSLATORS: one reason a <Say> is too long: characters spoken, and Twilio's limit.
            why.append(notice("%(count)s characters (Twilio speaks at most %(most)s)",
                              count=format(characters, ","), most=format(SAY_CHARACTERS, ",")))
        if encoded > SAY_URL_ENCODED * share:
            # TRANSLATORS: one reason a <Say> is too long: its URL-encoded size, and Twilio's limit.
            why.append(notice("%(count)s characters URL-encoded (Twilio warns over %(most)s)",
                              count=format(encoded, ","), most=format(SAY_URL_ENCODED, ",")))
        return Conjunction(why)

    def report(where: tuple, size: tuple[int, int], message: str) -> None:
        if where not in found or size > found[where][0]:
            found[where] = (size, message)

    def measure(where: tuple, segments: tuple[Segment, ...],
                dated: list[tuple[tuple, tuple[Segment, ...]]] = (), day: date | None = None,
                answer: tuple | None = None) -> None:
        size = say_size(segments, routes.voice)
        why = over(size)
        if not why:
            return
        # Segments add up in a <Say>: each text's own size is what leaving it out would save.
        parts = sorted(((say_size(text, routes.voice), path) for path, text in dated), reverse=True)
        rest = (size[0] - sum(p[0][0] for p in parts), size[1] - sum(p[0][1] for p in parts))
        if over(rest):
            # TRANSLATORS: a menu or answer too long for one <Say> (one stretch of Twilio's speech);
            # why says by how much.
            report(where, size, notice("what callers hear here is too long for one <Say>: %(why)s; "
                                       "shorten its texts", why=why))
            return
        blamed, left = [], size
        for (characters, encoded), path in parts:
            blamed.append(path)
            left = (left[0] - characters, left[1] - encoded)
            if not over(left):
                break
        blamed.sort(key=lambda path: routes.line(*path))
        for path in blamed:
            others = [format_path(p) for p in blamed if p != path]
            report(path, size, _dated_too_long(day, answer, why, others))

    calendar = routes.calendar
    for moment in moments:
        day = in_japan(moment).date()
        greeting = [(("announcements", a.index, "say"), flow.announcements((a,)))
                    for a in calendar.at_greeting(day)]
        measure(("line", "greeting"), flow.start(moment).speech, greeting, day)
        for menu in routes.menus.values():
            if menu.id != TOP_MENU:
                measure(("menus", menu.id), flow.menu_speech(menu))
        for path in walk(flow, moment):
            where = ("menus", path.menus[-1], "options", path.keys[-1])
            measure(where, path.answer, dated_texts(flow, path.desk, day), day, where)
    problems = [Problem(routes.source, routes.line(*where), where, message)
                for where, (_, message) in found.items()]
    return sorted(problems, key=lambda p: p.line)


def _dated_too_long(day: date, answer: tuple | None, why: Conjunction, others: list[str]) -> str:
    """Why a dated text (an announcement, a closure's say:) makes what callers hear too long."""
    if answer is None and not others:
        # TRANSLATORS: an announcement said after the greeting makes it too long for one <Say>;
        # why says by how much.
        return notice("said on %(day)s after the greeting, it makes what callers hear there too long "
                      "for one <Say>: %(why)s; shorten it", day=day, why=why)
    if answer is None:
        # TRANSLATORS: as above, with the other dated texts said with it (key paths).
        return notice("said on %(day)s after the greeting, it makes what callers hear there too long "
                      "for one <Say>: %(why)s; shorten it and the other dated texts said with it: "
                      "%(others)s", day=day, why=why, others=others)
    if not others:
        # TRANSLATORS: a dated text said in a desk's answer makes it too long for one <Say>; where
        # is the key path of the menu choice; why says by how much.
        return notice("said on %(day)s in the answer at %(where)s, it makes what callers hear there "
                      "too long for one <Say>: %(why)s; shorten it", day=day,
                      where=format_path(answer), why=why)
    # TRANSLATORS: as above, with the other dated texts said with it (key paths).
    return notice("said on %(day)s in the answer at %(where)s, it makes what callers hear there too "
                  "long for one <Say>: %(why)s; shorten it and the other dated texts said with it: "
                  "%(others)s", day=day, where=format_path(answer), why=why, others=others)


def dated_texts(flow: CallFlow, desk: str, day: date) -> list[tuple[tuple, tuple[Segment, ...]]]:
    """The dated texts said in a desk's answer on a day, each with its key path in routes.yaml:
    the announcements before it, and the `say:` of the calendar entry that closes the desk or
    sets its hours."""
    calendar = flow.routes.calendar
    texts = [(("announcements", a.index, "say"), flow.announcements((a,)))
             for a in calendar.before_answer(desk, day)]
    hours = calendar.day(desk, day)
    if hours is not None and hours.say:
        entry = next((e for e in calendar.entries if day in e.dates
                      and (desk in e.closed or desk in dict(e.open))), None)
        if entry is not None:
            texts.append((("calendar", entry.index, "say"), flow.reader.text(hours.say)))
    return texts
