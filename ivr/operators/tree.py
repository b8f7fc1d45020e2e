"""The whole menu as a person would draw it: text, Mermaid, Graphviz DOT, or SVG."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

from ..core.dated import Announcement, DatedEntry
from ..core.hours import DAY_MINUTES, Hours, Span
from ..core.readings import Text
from ..core.routes import TOP_MENU, Desk, Routes
from ..routesfile.loader import DAY_NAMES

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


def describe_hours(hours: Hours | None) -> str:
    """Hours in routes.yaml's own words: mon-fri 10:00-12:00 13:00-17:00, closed holidays."""
    if hours is None:
        return "no hours"
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


def _spans(spans: tuple[Span, ...]) -> str:
    return " ".join(f"{_clock(s.start)}-{_clock(s.end)}" for s in spans)


def describe_entry(entry: DatedEntry, days: tuple[date, ...] | None = None) -> str:
    """A calendar entry on one line: 2026-12-28: closed center — 本日は…"""
    parts = [f"closed {', '.join(entry.closed)}"] if entry.closed else []
    parts += [f"{desk} {_spans(hours.spans)}" for desk, hours in entry.open]
    shown = ", ".join(d.isoformat() for d in (entry.dates if days is None else days))
    return f"{shown}: {'; '.join(parts)}" + (f" — {words(entry.say)}" if entry.say else "")


def describe_announcement(announcement: Announcement) -> str:
    """An announcement on one line: its dates, where it is said, and what."""
    where = "greeting" if announcement.greeting else f"before {', '.join(sorted(announcement.desks))}"
    return f"{announcement.first} to {announcement.last}, {where}: {words(announcement.say)}"


def dated_lines(routes: Routes, today: date | None = None) -> list[str]:
    """The calendar and the announcements, one line each; from `today` on when given."""
    lines = []
    for entry in routes.calendar.entries:
        days = tuple(d for d in entry.dates if today is None or d >= today)
        if days:
            lines.append("calendar " + describe_entry(entry, days))
    for announcement in routes.calendar.announcements:
        if today is None or announcement.last >= today:
            lines.append("announcement " + describe_announcement(announcement))
    return lines


def describe_desk(desk: Desk) -> str:
    """A desk on one line: name, number or address, hours, transfer."""
    contact = desk.phone.written if desk.phone else desk.email.address if desk.email else "no number"
    extras = [describe_hours(desk.hours)] if desk.hours or desk.phone else []
    if desk.transfer:
        extras.append("transfer")
    if desk.in_scope:
        extras.append("in scope")
    return f"{desk.name} {contact}" + (f" ({'; '.join(extras)})" if extras else "")


def text_tree(routes: Routes, today: date | None = None) -> str:
    """The menu tree as indented text, then the dated entries from `today` on."""
    lines = [f"{TOP_MENU}: {words(routes.greeting)}"]

    def menu(menu_id: str, indent: str, seen: tuple[str, ...]) -> None:
        options = routes.menus[menu_id].options
        for i, option in enumerate(options):
            last = i == len(options) - 1
            branch, below = ("└─ ", "   ") if last else ("├─ ", "│  ")
            label = words(option.label)
            if option.menu is not None:
                lines.append(f"{indent}{branch}{option.key} {label} → menu {option.menu}")
                if option.menu not in seen:
                    menu(option.menu, indent + below, seen + (option.menu,))
            else:
                desk = routes.desks[option.desk]
                lines.append(f"{indent}{branch}{option.key} {label} → {describe_desk(desk)}")
    menu(TOP_MENU, "", (TOP_MENU,))
    keys = routes.keys
    lines.append(f"(every menu: {keys.repeat} repeat, {keys.top} first menu; "
                 f"after an answer: {keys.transfer} transfer where allowed)")
    upcoming = dated_lines(routes, today)
    if upcoming:
        since = f" from {today}" if today else ""
        lines += ["", f"dated entries{since}:"] + [f"  {line}" for line in upcoming]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot_tree(routes: Routes) -> str:
    """The menu tree as a Graphviz digraph."""
    out = ["digraph routes {", '  rankdir=LR; node [fontname="Noto Sans CJK JP,sans-serif"];']
    for menu in routes.menus.values():
        out.append(f'  "menu:{menu.id}" [shape=box, style=rounded, label="{_quote(menu.id)}"];')
        for option in menu.options:
            target = f"menu:{option.menu}" if option.menu else f"desk:{option.desk}"
            out.append(f'  "menu:{menu.id}" -> "{target}" '
                       f'[label="{option.key} {_quote(words(option.label))}"];')
    for desk in routes.desks.values():
        out.append(f'  "desk:{desk.id}" [shape=note, label="{_quote(describe_desk(desk))}"];')
    out.append("}")
    return "\n".join(out)


def mermaid_tree(routes: Routes) -> str:
    """The menu tree as a Mermaid flowchart."""
    out = ["flowchart LR"]
    for menu in routes.menus.values():
        out.append(f'  menu_{menu.id}(["{menu.id}"])')
        for option in menu.options:
            target = f"menu_{option.menu}" if option.menu else f"desk_{option.desk}"
            label = words(option.label).replace('"', "'")
            out.append(f'  menu_{menu.id} -- "{option.key} {label}" --> {target}')
    for desk in routes.desks.values():
        out.append(f'  desk_{desk.id}["{describe_desk(desk).replace(chr(34), chr(39))}"]')
    return "\n".join(out)


def svg_tree(routes: Routes) -> str:
    """The menu tree drawn by Graphviz as SVG."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing("SVG needs Graphviz: apt-get install graphviz")
    result = subprocess.run([dot, "-Tsvg"], input=dot_tree(routes), capture_output=True,
                            text=True, check=True, timeout=30)
    return result.stdout


def render_tree(routes: Routes, form: str, today: date | None = None) -> str:
    """The tree in one of FORMATS; the text form lists the dated entries from `today` on."""
    if form == "text":
        return text_tree(routes, today)
    return {"mermaid": mermaid_tree, "dot": dot_tree, "svg": svg_tree}[form](routes)
