"""What the pages show, worked out from the line's own code: hours, the calendar, problems,
differences, all in the operators' language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..clock import japan_holiday_name
from ..core.flow import CallFlow
from ..core.hours import JAPAN, Span, in_japan, is_year_end, next_opening, opens_on, spans_on
from ..core.readings import plain
from ..core.routes import Desk, Routes
from ..operators.diff import Change
from ..operators.tree import words
from .i18n import ptr, tr

LOCALE = "ja"


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < 24 * 60 else "24:00"


def join(items) -> str:
    """Names or values joined in the operators' language (「a、b」)."""
    # TRANSLATORS: joins names or values in a list, e.g. 「a、b」.
    return ptr("list", ", ").join(items)


def joined_parts(items) -> str:
    """Parts of a description joined (「a；b」)."""
    # TRANSLATORS: joins the parts of a description, e.g. 「休業：A；B：10:00〜11:00に受付」.
    return ptr("list", "; ").join(items)


def span_text(start: str, end: str) -> str:
    # TRANSLATORS: a span of time or days, e.g. 「10:00〜12:00」 or 「12月1日〜12月3日」.
    return tr("%(start)s to %(end)s", start=start, end=end)


def spans_text(spans: tuple[Span, ...]) -> str:
    return join(span_text(clock(s.start), clock(s.end)) for s in spans)


def day_text(day: date) -> str:
    from babel.dates import format_date

    # TRANSLATORS: a Babel date pattern for a day on the console's pages (ja: M月d日（E） → 12月8日（火）).
    return format_date(day, ptr("date pattern", "EEE, MMM d"), locale=LOCALE)


def month_text(day: date) -> str:
    from babel.dates import format_date

    # TRANSLATORS: a Babel date pattern for a month (ja: y年M月 → 2026年12月).
    return format_date(day, ptr("month pattern", "MMMM y"), locale=LOCALE)


def with_desk(what: str, desk: str) -> str:
    # TRANSLATORS: a change and the desk it concerns, e.g. 「追加（消費者ホットライン）」.
    return tr("%(what)s (%(desk)s)", what=what, desk=desk)


def moment_text(moment: datetime) -> str:
    local = in_japan(moment)
    return f"{day_text(local.date())} {local:%H:%M}"


def worked_out(desk: Desk) -> bool:
    """Whether the line works out this desk's hours (days and times, not a sentence)."""
    return desk.hours is not None and desk.hours.known


@dataclass(frozen=True)
class DeskNow:
    desk: Desk
    open_now: bool | None  # None: hours vary by office
    until: datetime | None  # open now: when this span ends
    opens: datetime | None  # closed now: when it next opens
    today: str  # today's hours, or why closed
    special: str  # what the calendar sets today, if anything


def desks_now(flow: CallFlow, now: datetime) -> list[DeskNow]:
    """Every desk: open now and until when, or when it next opens; today's hours."""
    routes, local = flow.routes, in_japan(now)
    minute = local.hour * 60 + local.minute
    rows = []
    for desk in routes.desks.values():
        if not worked_out(desk):
            rows.append(DeskNow(desk, None, None, None, desk.hours.varies if desk.hours else "", ""))
            continue
        dated = routes.calendar.desk_hours(desk.id)
        spans = spans_on(desk.hours, local.date(), flow.is_holiday, dated)
        current = next((s for s in spans if s.contains(minute)), None)
        until = (datetime.combine(local.date(), time(), tzinfo=JAPAN) + timedelta(minutes=current.end)
                 if current else None)
        opens = None if current else next_opening(desk.hours, now, flow.is_holiday, dated)
        special = routes.calendar.day(desk.id, local.date())
        note = ""
        if special is not None:
            # TRANSLATORS: the calendar closes a desk all day today (臨時休業).
            note = tr("closed all day by the calendar") if special.closed else (
                # TRANSLATORS: the calendar gives a desk special hours today.
                tr("special hours by the calendar"))
        rows.append(DeskNow(desk, current is not None, until, opens,
                            day_cell(desk, local.date(), flow)[0], note))
    return rows


def day_cell(desk: Desk, day: date, flow: CallFlow) -> tuple[str, str]:
    """A desk's hours on a day, as the line works them out, and why: (text, kind).

    kind: open, special, closure, holiday, year_end, weekly (a day it never opens).
    """
    calendar = flow.routes.calendar
    special = calendar.day(desk.id, day)
    if special is not None:
        if special.closed:
            # TRANSLATORS: a calendar cell: the desk is closed all day by a dated closure (臨時休業).
            return tr("closed (closure)"), "closure"
        return spans_text(special.spans), "special"
    hours = desk.hours
    if opens_on(hours, day, flow.is_holiday):
        return spans_text(spans_on(hours, day, flow.is_holiday)), "open"
    if hours.closed_year_end and is_year_end(day) and day.weekday() in hours.days:
        # TRANSLATORS: a calendar cell: closed for the year-end break (12/29–1/3).
        return tr("closed (year end)"), "year_end"
    if hours.closed_on_holidays and flow.is_holiday(day) and day.weekday() in hours.days:
        # TRANSLATORS: a calendar cell: closed for a national holiday.
        return tr("closed (holiday)"), "holiday"
    # TRANSLATORS: a calendar cell: a day of the week the desk never opens.
    return tr("closed"), "weekly"


@dataclass(frozen=True)
class CalendarDay:
    day: date
    label: str
    holiday: str | None
    cells: list[tuple[str, str]]


def calendar_days(flow: CallFlow, start: date, count: int = 30) -> tuple[list[Desk], list[CalendarDay]]:
    """The effective hours of every desk whose hours are worked out, day by day."""
    desks = [d for d in flow.routes.desks.values() if worked_out(d)]
    days = []
    for offset in range(count):
        day = start + timedelta(days=offset)
        holiday = japan_holiday_name(day) if flow.is_holiday(day) else None
        days.append(CalendarDay(day, day_text(day), holiday, [day_cell(d, day, flow) for d in desks]))
    return desks, days


def desk_names(routes: Routes, ids) -> str:
    return join(routes.desks[i].name if i in routes.desks else i for i in ids)


@dataclass(frozen=True)
class EntryRow:
    index: int
    dates: str
    what: str
    say: str
    past: bool
    today: bool


def entry_rows(routes: Routes, today: date) -> list[EntryRow]:
    """The calendar's entries in words."""
    rows = []
    for entry in routes.calendar.entries:
        parts = []
        if entry.closed:
            # TRANSLATORS: a calendar entry closing desks; %(desks)s names them.
            parts.append(tr("closed: %(desks)s", desks=desk_names(routes, entry.closed)))
        for desk, hours in entry.open:
            # TRANSLATORS: a calendar entry's special hours for one desk.
            parts.append(tr("%(desk)s open %(spans)s", desk=desk_names(routes, [desk]),
                            spans=spans_text(hours.spans)))
        rows.append(EntryRow(entry.index, join(day_text(d) for d in entry.dates), joined_parts(parts),
                             words(entry.say), max(entry.dates) < today, today in entry.dates))
    return rows


def announcement_rows(routes: Routes, today: date) -> list[EntryRow]:
    rows = []
    for a in routes.calendar.announcements:
        if a.greeting:
            # TRANSLATORS: where an announcement is said: after the greeting, on every call.
            where = tr("after the greeting")
        else:
            # TRANSLATORS: where an announcement is said: before these desks' answers.
            where = tr("before the answers of %(desks)s", desks=desk_names(routes, sorted(a.desks)))
        rows.append(EntryRow(a.index, span_text(day_text(a.first), day_text(a.last)), where, words(a.say),
                             a.last < today, a.on(today)))
    return rows


@dataclass(frozen=True)
class ProblemRow:
    line: int
    where: str
    message: str
    text: str


def problem_rows(problems) -> list[ProblemRow]:
    """Errors or warnings in the operators' language, each with its line and key path."""
    rows = []
    for problem in problems:
        where = problem.where_in(LOCALE) if hasattr(problem, "where_in") else ""
        message = problem.message_in(LOCALE) if hasattr(problem, "message_in") else str(problem)
        text = problem.text(LOCALE) if hasattr(problem, "text") else str(problem)
        rows.append(ProblemRow(problem.line, where, message, text))
    return rows


def spoken(segments) -> str:
    """What callers hear, as the operators wrote it (numbers as written)."""
    return plain(segments, written=True)


def quoted(text: str) -> str:
    # TRANSLATORS: words callers hear, quoted (ja: 「…」).
    return ptr("quote", "\u201c%(text)s\u201d", text=text)


def dated_lines(routes: Routes) -> list[str]:
    """The calendar's entries and the announcements, one line each, in words."""
    lines = []
    for row in entry_rows(routes, date.min):
        # TRANSLATORS: a calendar entry or an announcement on one line: its dates, what it does, and what callers hear.
        lines.append(tr("%(dates)s: %(what)s %(say)s", dates=row.dates, what=row.what,
                        say=quoted(row.say) if row.say else ""))
    for row in announcement_rows(routes, date.min):
        # TRANSLATORS: an announcement on one line: its dates, where it is said, and what.
        lines.append(tr("%(dates)s: %(what)s %(say)s", dates=row.dates, what=row.what, say=quoted(row.say)))
    return lines


@dataclass(frozen=True)
class ChangeRow:
    where: str
    summary: str
    lines: list[tuple[str, str]]  # ("-" or "+", sentence)


def change_rows(changes: list[Change], old: Routes, new: Routes) -> list[ChangeRow]:
    """`ivr diff`'s changes in words."""
    def desk(ident: str | None) -> str:
        if ident is None:
            return ""
        found = new.desks.get(ident) or old.desks.get(ident)
        return found.name if found else ident

    rows = []
    for change in changes:
        if change.where == "greeting":
            # TRANSLATORS: a difference in the greeting (and the announcements said after it).
            where = tr("Greeting")
        elif change.where == "calendar":
            # TRANSLATORS: a difference in the dated closures, special hours and announcements.
            where = tr("Calendar and announcements")
        elif change.where.startswith("menu "):
            # TRANSLATORS: a difference in one menu; %(menu)s is its id.
            where = tr("Menu %(menu)s", menu=change.where[5:])
        else:
            # TRANSLATORS: a difference on one path of keys, e.g. 1 → 2.
            where = tr("Keys %(keys)s", keys=" → ".join(change.where.split("-")))
        if change.kind == "added":
            # TRANSLATORS: a path or menu that is new in the draft.
            summary = tr("new")
            summary = with_desk(summary, desk(change.new_desk)) if change.new_desk else summary
        elif change.kind == "removed":
            # TRANSLATORS: a path or menu the draft removes.
            summary = tr("removed")
            summary = with_desk(summary, desk(change.old_desk)) if change.old_desk else summary
        elif change.old_desk != change.new_desk:
            # TRANSLATORS: a path that now leads to another desk.
            summary = tr("now leads to %(new)s (was %(old)s)", new=desk(change.new_desk), old=desk(change.old_desk))
        else:
            # TRANSLATORS: a path or menu whose words change.
            summary = tr("changed")
        lines = [(line[:1], line[2:]) for line in change.lines]
        if change.where == "calendar":
            was, now = dated_lines(old), dated_lines(new)
            lines = [("-", line) for line in was if line not in now] + [("+", line) for line in now if line not in was]
        rows.append(ChangeRow(where, summary, lines))
    return rows


def role_label(role: str) -> str:
    return ptr("role", role)


def not_understood_rows(routes: Routes | None, counts) -> list[tuple[str, int]]:
    """Words not understood, counted (`counts`: menu, key, count) by the topic where they were
    said: at an answer its topic, at a menu the topic that leads to it (the first menu by name),
    as the operators read them; a place the routes no longer have by its id. Never the words."""
    shown: dict[str, int] = {}
    for menu_id, key, count in counts:
        name = _place_name(routes, menu_id, key)
        shown[name] = shown.get(name, 0) + count
    return sorted(shown.items(), key=lambda item: (-item[1], item[0]))


def _place_name(routes: Routes | None, menu_id: str | None, key: str | None) -> str:
    from .menus import menu_title

    menu = routes.menus.get(menu_id) if routes is not None and menu_id else None
    if menu is None:
        return menu_title(menu_id or "?")
    option = menu.option(key) if key else None
    if option is not None:
        return words(option.label)
    leading = next((o for m in routes.menus.values() for o in m.options if o.menu == menu.id), None)
    if leading is None:
        return menu_title(menu.id)
    # TRANSLATORS: Today page: a menu named by the topic that leads to it, e.g. 「身に覚えのない請求（メニュー）」.
    return tr("%(topic)s (menu)", topic=words(leading.label))
