"""The whole menu as a person would draw it: text, Mermaid, Graphviz DOT, or SVG."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from datetime import date
from functools import cache

from ..core.dated import Announcement, DatedEntry
from ..core.hours import DAY_MINUTES, Hours, Span
from ..core.notices import ENGLISH, language_of, notice, pnotice
from ..core.readings import Reader, Text
from ..core.routes import TOP_MENU, Desk, Routes
from ..core.wording import load_translations
from ..routesfile.builder import DAY_NAMES

FORMATS = ("text", "mermaid", "dot", "svg")


class GraphvizMissing(RuntimeError):
    """SVG needs Graphviz's `dot` command."""


def words(text: Text) -> str:
    """Operator text as written in routes.yaml, numbers and addresses included."""
    parts = []
    for part in text:
        parts.append(part if isinstance(part, str) else getattr(part, "written", None)
                     or getattr(part, "address", ""))
    return "".join(parts)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < DAY_MINUTES else "24:00"


def _english(locale: str | None) -> bool:
    return language_of(locale) == ENGLISH


@cache
def _reader(language: str) -> Reader:
    """The callers' catalog's reader: hours and dates written as a text message writes them."""
    return Reader(load_translations(language), language)


def describe_hours(hours: Hours | None, locale: str | None = ENGLISH) -> str:
    """Hours in routes.yaml's own words (mon-fri 10:00-12:00 13:00-17:00, closed holidays), or in
    a locale's words as callers' text messages write them (平日 10:00〜12:00、13:00〜17:00（祝日を除く）)."""
    if hours is None:
        # TRANSLATORS: a desk whose opening hours routes.yaml does not give.
        return notice("no hours").render(locale)
    if not _english(locale):
        return _reader(language_of(locale)).written_hours(hours)
    if not hours.known:
        return "hours vary"
    days = sorted(hours.days)
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
        day_text = f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    else:
        day_text = ",".join(DAY_NAMES[d] for d in days)
    spans = _spans(hours.spans)
    closed = [name for name, flag in (("holidays", hours.closed_on_holidays),
                                      ("year_end", hours.closed_year_end)) if flag]
    return f"{day_text} {spans}" + (f", closed {' & '.join(closed)}" if closed else "")


def _spans(spans: tuple[Span, ...], locale: str | None = ENGLISH) -> str:
    if not _english(locale):
        return _reader(language_of(locale)).written_spans(spans)
    return " ".join(f"{_clock(s.start)}-{_clock(s.end)}" for s in spans)


def _name(desk_id: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(desk_id, desk_id)


def describe_entry(entry: DatedEntry, days: tuple[date, ...] | None = None, locale: str | None = ENGLISH,
                   names: Mapping[str, str] | None = None) -> str:
    """A calendar entry on one line: 2026-12-28: closed center — 本日は…; in a locale with desks
    by `names` (id → name) where given."""
    parts = []
    if entry.closed:
        # TRANSLATORS: in a calendar entry: the desks it closes that day, by name.
        parts.append(notice("closed %(desks)s", desks=[_name(d, names) for d in entry.closed]))
    for desk, hours in entry.open:
        # TRANSLATORS: in a calendar entry: a desk and its special hours that day, e.g. センター 10:00〜11:00.
        parts.append(notice("%(desk)s %(spans)s", desk=_name(desk, names), spans=_spans(hours.spans, locale)))
    shown = list(entry.dates if days is None else days)
    # TRANSLATORS: joins the parts of a calendar entry (closed desks, special hours) (ja: 、).
    what = pnotice("entry parts", "; ").render(locale).join(part.render(locale) for part in parts)
    if entry.say:
        # TRANSLATORS: a calendar entry on one line: its dates, what it does, and what callers hear.
        return notice("%(dates)s: %(what)s — %(say)s", dates=shown, what=what,
                      say=words(entry.say)).render(locale)
    # TRANSLATORS: a calendar entry on one line: its dates and what it does.
    return notice("%(dates)s: %(what)s", dates=shown, what=what).render(locale)


def describe_announcement(announcement: Announcement, locale: str | None = ENGLISH,
                          names: Mapping[str, str] | None = None) -> str:
    """An announcement on one line: its dates, where it is said, and what."""
    if announcement.greeting:
        # TRANSLATORS: an announcement on one line: first and last day, said after the greeting.
        said = notice("%(first)s to %(last)s, greeting: %(say)s", first=announcement.first,
                      last=announcement.last, say=words(announcement.say))
    else:
        # TRANSLATORS: an announcement on one line: first and last day, said before these desks' answers.
        said = notice("%(first)s to %(last)s, before %(desks)s: %(say)s", first=announcement.first,
                      last=announcement.last, desks=[_name(d, names) for d in sorted(announcement.desks)],
                      say=words(announcement.say))
    return said.render(locale)


def desk_names(routes: Routes, locale: str | None = ENGLISH) -> dict[str, str] | None:
    """Desks by name outside English (id → name); None in English, which shows the ids."""
    return None if _english(locale) else {d.id: d.name for d in routes.desks.values()}


def dated_lines(routes: Routes, today: date | None = None, locale: str | None = ENGLISH) -> list[str]:
    """The calendar and the announcements, one line each; from `today` on when given."""
    lines = []
    names = desk_names(routes, locale)
    for entry in routes.calendar.entries:
        days = tuple(d for d in entry.dates if today is None or d >= today)
        if days:
            # TRANSLATORS: a calendar entry (closures, special hours) in a list of dated entries.
            lines.append(notice("calendar %(entry)s",
                                entry=describe_entry(entry, days, locale, names)).render(locale))
    for announcement in routes.calendar.announcements:
        if today is None or announcement.last >= today:
            # TRANSLATORS: an announcement in a list of dated entries.
            lines.append(notice("announcement %(entry)s",
                                entry=describe_announcement(announcement, locale, names)).render(locale))
    return lines


def describe_desk(desk: Desk, locale: str | None = ENGLISH) -> str:
    """A desk on one line: name, number or address, hours, transfer."""
    if desk.phone or desk.email:
        contact = desk.phone.written if desk.phone else desk.email.address
    else:
        # TRANSLATORS: a desk with neither a phone number nor an email address.
        contact = notice("no number").render(locale)
    extras = [describe_hours(desk.hours, locale)] if desk.hours or desk.phone else []
    if desk.transfer:
        # TRANSLATORS: a desk's details: the line may put calls through to it.
        extras.append(notice("transfer").render(locale))
    if desk.in_scope:
        # TRANSLATORS: a desk's details: the trouble is one the center itself takes.
        extras.append(notice("in scope").render(locale))
    if not extras:
        return f"{desk.name} {contact}"
    # TRANSLATORS: joins a desk's details (ja: 、).
    details = pnotice("desk details", "; ").render(locale).join(extras)
    # TRANSLATORS: a desk on one line: name, number, then its details (hours; transfer; in scope).
    return notice("%(name)s %(contact)s (%(details)s)", name=desk.name, contact=contact,
                  details=details).render(locale)


def text_tree(routes: Routes, today: date | None = None, locale: str | None = ENGLISH) -> str:
    """The menu tree as indented text, then the dated entries from `today` on."""
    lines = [f"{TOP_MENU}: {words(routes.greeting)}"]

    def menu(menu_id: str, indent: str, seen: tuple[str, ...]) -> None:
        options = routes.menus[menu_id].options
        for i, option in enumerate(options):
            last = i == len(options) - 1
            branch, below = ("└─ ", "   ") if last else ("├─ ", "│  ")
            label = words(option.label)
            if option.menu is not None:
                # TRANSLATORS: in the tree: a key, its label, and the submenu it leads to (by id).
                lines.append(indent + branch + notice("%(key)s %(label)s → menu %(menu)s", key=option.key,
                                                      label=label, menu=option.menu).render(locale))
                if option.menu not in seen:
                    menu(option.menu, indent + below, seen + (option.menu,))
            else:
                desk = routes.desks[option.desk]
                lines.append(f"{indent}{branch}{option.key} {label} → {describe_desk(desk, locale)}")
    menu(TOP_MENU, "", (TOP_MENU,))
    lines += unclear_lines(routes, locale)
    keys = routes.keys
    # TRANSLATORS: the end of the tree: the keys that work on every menu and after an answer.
    lines.append(notice("(every menu: %(repeat)s repeat, %(top)s first menu; after an answer: "
                        "%(transfer)s transfer where allowed)", repeat=keys.repeat, top=keys.top,
                        transfer=keys.transfer).render(locale))
    upcoming = dated_lines(routes, today, locale)
    if upcoming:
        if today:
            # TRANSLATORS: the heading of the dated entries (closures, special hours, announcements) from a day on.
            heading = notice("dated entries from %(day)s:", day=today)
        else:
            # TRANSLATORS: the heading of all the dated entries.
            heading = notice("dated entries:")
        lines += ["", heading.render(locale)] + [f"  {line}" for line in upcoming]
    return "\n".join(lines)


def unclear_lines(routes: Routes, locale: str | None = ENGLISH) -> list[str]:
    """The `unclear:` section: the words that name no topic, the question they get, and where
    each of its two answers leads; nothing when routes.yaml has none."""
    unclear = routes.unclear
    if unclear is None:
        return []
    if unclear.ask:
        # TRANSLATORS: in the tree: words about email that name no trouble, and the question
        # callers who say them hear (ja: あいまいな言葉（…）には質問：…).
        head = notice("unclear words (%(words)s): asks %(ask)s", words=list(unclear.says),
                      ask=words(unclear.ask))
    else:
        # TRANSLATORS: in the tree: words about email that name no trouble; callers who say
        # them are asked which of the two topics below they mean.
        head = notice("unclear words (%(words)s): asks which of the two", words=list(unclear.says))
    lines = [head.render(locale)]
    for number, topic in enumerate(unclear.topics, start=1):
        found = routes.topic(topic)
        if found is None:
            continue
        _, option = found
        label = words(option.label)
        if option.menu is not None:
            lines.append("   " + notice("%(key)s %(label)s → menu %(menu)s", key=number, label=label,
                                         menu=option.menu).render(locale))
        else:
            desk = routes.desks[option.desk]
            lines.append(f"   {number} {label} ({topic}) → {describe_desk(desk, locale)}")
    return lines


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot_tree(routes: Routes, locale: str | None = ENGLISH) -> str:
    """The menu tree as a Graphviz digraph."""
    out = ["digraph routes {", '  rankdir=LR; node [fontname="Noto Sans CJK JP,sans-serif"];']
    for menu in routes.menus.values():
        out.append(f'  "menu:{menu.id}" [shape=box, style=rounded, label="{_quote(menu.id)}"];')
        for option in menu.options:
            target = f"menu:{option.menu}" if option.menu else f"desk:{option.desk}"
            out.append(f'  "menu:{menu.id}" -> "{target}" '
                       f'[label="{option.key} {_quote(words(option.label))}"];')
    for desk in routes.desks.values():
        out.append(f'  "desk:{desk.id}" [shape=note, label="{_quote(describe_desk(desk, locale))}"];')
    out.append("}")
    return "\n".join(out)


def mermaid_tree(routes: Routes, locale: str | None = ENGLISH) -> str:
    """The menu tree as a Mermaid flowchart."""
    out = ["flowchart LR"]
    for menu in routes.menus.values():
        out.append(f'  menu_{menu.id}(["{menu.id}"])')
        for option in menu.options:
            target = f"menu_{option.menu}" if option.menu else f"desk_{option.desk}"
            label = words(option.label).replace('"', "'")
            out.append(f'  menu_{menu.id} -- "{option.key} {label}" --> {target}')
    for desk in routes.desks.values():
        out.append(f'  desk_{desk.id}["{describe_desk(desk, locale).replace(chr(34), chr(39))}"]')
    return "\n".join(out)


def svg_tree(routes: Routes, locale: str | None = ENGLISH) -> str:
    """The menu tree drawn by Graphviz as SVG."""
    dot = shutil.which("dot")
    if dot is None:
        # TRANSLATORS: `ivr tree --format svg` needs the Graphviz program; the command installs it.
        raise GraphvizMissing(notice("SVG needs Graphviz: apt-get install graphviz"))
    result = subprocess.run([dot, "-Tsvg"], input=dot_tree(routes, locale), capture_output=True,
                            text=True, check=True, timeout=30)
    return result.stdout


def render_tree(routes: Routes, form: str, today: date | None = None, locale: str | None = ENGLISH) -> str:
    """The tree in one of FORMATS, in a locale ("ja": Japanese, desks' hours in words); the text
    form lists the dated entries from `today` on."""
    if form == "text":
        return text_tree(routes, today, locale)
    return {"mermaid": mermaid_tree, "dot": dot_tree, "svg": svg_tree}[form](routes, locale)
