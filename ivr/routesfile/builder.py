"""Checked routes data into the core's immutable model, with the checks a schema cannot make.

The data has passed the schema (validation.py); what is checked here needs more than one value
at a time: ids that must name a desk or a menu, phone numbers and addresses, opening hours and
the calendar's dates, digits in spoken text, keys that must differ. Each problem is noted in the
document with its key path, and building goes on so that every problem is reported at once.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import date
from urllib.parse import urlsplit

from ..core.contacts import Email, Phone, grouping_problem, parse_email, parse_phone
from ..core.dated import GREETING, Announcement, Calendar, DatedEntry
from ..core.hours import DAY_MINUTES, DayHours, Hours, Span
from ..core.notices import notice, pnotice
from ..core.readings import Text
from ..core.routes import (
    DEFAULT_VOICE,
    JAPANESE_VOICES,
    TOP_MENU,
    Desk,
    InputSettings,
    Keys,
    Menu,
    Option,
    Routes,
    Unclear,
)
from .reader import Document

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACEHOLDER = re.compile(r"\{(tel|mail):([^{}]*)\}")
FOLDED_SPACE = re.compile(r"(?<=[。、！？])\s+|\s+(?=[。、])")
DIGITS = re.compile(r"[0-9０-９]+")
# In a says: phrase, a comma, or a space between Japanese characters, is most likely a missing item
# separator (中傷 誹謗中傷); a space between ASCII words (Apple ID) is not.
PHRASE_COMMA = re.compile(r"[、，,]")
PHRASE_SPACE = re.compile(r"\u3000|(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


def _text(doc: Document, path: tuple, value: str | None) -> Text:
    """Operator text, with {tel:…} and {mail:…} turned into checked numbers and addresses."""
    if not value:
        return ()
    value = FOLDED_SPACE.sub("", value.strip())
    parts: list[str | Phone | Email] = []
    last = 0
    for match in PLACEHOLDER.finditer(value):
        parts.append(value[last:match.start()])
        try:
            parts.append(parse_phone(match[2]) if match[1] == "tel" else parse_email(match[2]))
        except ValueError as exc:
            doc.problem(path, exc.args[0])
        else:
            _grouping(doc, path, parts[-1])
        last = match.end()
    parts.append(value[last:])
    if "{" in value.replace("{tel:", "").replace("{mail:", ""):
        # TRANSLATORS: { } in spoken text are only for {tel:…} and {mail:…}; keep those as written.
        doc.problem(path, notice("braces are only for {tel:NUMBER} and {mail:ADDRESS}"))
    for part in parts:
        if isinstance(part, str):
            _no_digits(doc, path, part)
    return tuple(p for p in parts if p != "")


def _grouping(doc: Document, path: tuple, contact: Phone | Email) -> None:
    """A number callers would write down wrongly: no hyphens, or an area code split wrongly."""
    problem = grouping_problem(contact) if isinstance(contact, Phone) else None
    if problem is not None:
        doc.problem(path, problem)


def _no_digits(doc: Document, path: tuple, text: str, name: bool = False) -> None:
    """A number written in digits in spoken text is read unreliably (188 as hyaku hachijū hachi)."""
    found = DIGITS.search(text)
    if found and name:
        # TRANSLATORS: digits in a desk's name, which is read aloud unless it has a reading:.
        doc.problem(path, notice("'%(digits)s' is a number written in digits, which the speech engine "
                                 "misreads; write {tel:…} for a phone number, or the number in words; "
                                 "or give the name a reading:", digits=found[0]))
    elif found:
        # TRANSLATORS: digits in a text callers hear; {tel:…} is written as is in routes.yaml.
        doc.problem(path, notice("'%(digits)s' is a number written in digits, which the speech engine "
                                 "misreads; write {tel:…} for a phone number, or the number in words",
                                 digits=found[0]))


def _says(doc: Document, path: tuple, phrases: list[str]) -> tuple[str, ...]:
    """A says: list, each item one phrase: a comma or a space inside one is refused, since a
    phrase counts only when all of its words are heard."""
    for i, phrase in enumerate(phrases):
        comma, space = PHRASE_COMMA.search(phrase), PHRASE_SPACE.search(phrase)
        if comma:
            # TRANSLATORS: what splits a says: phrase in two: a comma (、, ，or ,), shown in brackets.
            mark = pnotice("phrase mark", "a comma (%(comma)s)", comma=comma[0])
        elif space and "\u3000" in space[0]:
            # TRANSLATORS: what splits a says: phrase in two: a full-width space (ja: 全角スペース).
            mark = pnotice("phrase mark", "a full-width space")
        elif space:
            # TRANSLATORS: what splits a says: phrase in two: a half-width space.
            mark = pnotice("phrase mark", "a space")
        else:
            continue
        parts = [part for part in re.split(r"[、，,\s]+", phrase) if part]
        # TRANSLATORS: a says: phrase with a comma or space inside (mark says which); items is how
        # the phrase would be written as separate items of the list, e.g. 中傷, 誹謗中傷.
        doc.problem((*path, i), notice("'%(phrase)s' has %(mark)s in it, and a phrase counts only when "
                                       "all of it is heard: if it is two phrases, write them as separate "
                                       "items, %(items)s (if it is one, take %(mark)s out)",
                                       phrase=phrase, mark=mark, items=", ".join(parts)))
    return tuple(phrases)


def _days(value: str | list[str]) -> frozenset[int]:
    if isinstance(value, list):
        return frozenset(DAY_NAMES.index(d) for d in value)
    first, _, last = value.partition("-")
    start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
    return frozenset(range(start, end + 1)) if start <= end else frozenset()


def _minute(text: str) -> int:
    hour, minute = text.split(":")
    if int(minute) > 59 or int(hour) > 24 or (int(hour) == 24 and int(minute)):
        # TRANSLATORS: a time such as 25:00 or 10:75 in opening hours.
        raise ValueError(notice("%(time)s is not a time of day", time=text))
    return int(hour) * 60 + int(minute)


def _hours(doc: Document, path: tuple, data: dict) -> Hours:
    if "varies" in data:
        _no_digits(doc, (*path, "varies"), data["varies"])
        return Hours(varies=data["varies"])
    days = _days(data["days"])
    if not days:
        # TRANSLATORS: a range of days written the wrong way round, e.g. fri-mon.
        doc.problem((*path, "days"), notice("'%(days)s' runs backwards; write it as mon-fri", days=data["days"]))
    spans = _spans(doc, (*path, "open"), data["open"])
    closed = data["closed"]
    return Hours(days, spans, "holidays" in closed, "year_end" in closed)


def _spans(doc: Document, path: tuple, texts: list[str]) -> tuple[Span, ...]:
    """Opening spans ("10:00-12:00"), in order, none running backwards or overlapping."""
    spans: list[Span] = []
    for i, text in enumerate(texts):
        start_text, end_text = text.split("-")
        try:
            span = Span(_minute(start_text), _minute(end_text))
        except ValueError as exc:
            doc.problem((*path, i), exc.args[0])
            continue
        if span.end <= span.start:
            # TRANSLATORS: an opening span such as 17:00-13:00.
            doc.problem((*path, i), notice("%(span)s ends before it starts", span=text))
        elif spans and span.start < spans[-1].end:
            # TRANSLATORS: opening spans must be in order of time and must not overlap.
            doc.problem((*path, i), notice("%(span)s overlaps or comes before the span before it", span=text))
        else:
            spans.append(span)
    if spans and spans[-1].end > DAY_MINUTES:
        # TRANSLATORS: an opening span that ends after midnight.
        doc.problem(path, notice("a span cannot run past 24:00"))
    return tuple(spans)


def _desk(doc: Document, desk_id: str, data: dict) -> Desk:
    path = ("desks", desk_id)
    phone = email = None
    if "phone" in data:
        try:
            phone = parse_phone(data["phone"])
        except ValueError as exc:
            doc.problem((*path, "phone"), exc.args[0])
        else:
            _grouping(doc, (*path, "phone"), phone)
    if "email" in data:
        try:
            email = parse_email(data["email"])
        except ValueError as exc:
            doc.problem((*path, "email"), exc.args[0])
    hours = _hours(doc, (*path, "hours"), data["hours"]) if "hours" in data else None
    if "reading" in data:
        _no_digits(doc, (*path, "reading"), data["reading"])
    else:
        _no_digits(doc, (*path, "name"), data["name"], name=True)
    email_reading = tuple(w.strip() for w in data.get("email_reading", "").split("、") if w.strip())
    if "email_reading" in data:
        _no_digits(doc, (*path, "email_reading"), data["email_reading"])
    if email_reading and email is None and "email" not in data:
        # TRANSLATORS: email_reading: is given but the desk has no email: to read.
        doc.problem((*path, "email_reading"), notice("there is no email address to say"))
    if phone and not hours:
        # TRANSLATORS: callers must hear when a desk can be called; hours: {varies: …} is written as is.
        doc.problem(path, notice("a desk with a phone number needs hours (or hours: {varies: …})"))
    transfer = data.get("transfer", False)
    if transfer:
        if "phone" in data and phone is None:
            pass  # the number itself is already reported
        elif phone is None:
            # TRANSLATORS: transfer: true on a desk that has no phone: number.
            doc.problem((*path, "transfer"), notice("there is no phone number to put the call through to"))
        elif not phone.dialable:
            doc.problem(
                (*path, "transfer"),
                # TRANSLATORS: Twilio cannot put calls through to short codes (188, #9110) and 0570 numbers.
                notice("%(number)s cannot be dialled from Twilio (short codes and 0570 numbers "
                       "cannot); set transfer: false", number=phone.written),
            )
        elif hours is not None and not hours.known:
            # TRANSLATORS: the line only transfers when it knows the desk is open, so hours must be days/open.
            doc.problem((*path, "transfer"), notice("a transfer needs known hours, not varies"))
    url = data.get("url")
    if url is not None and not urlsplit(url).hostname:
        # TRANSLATORS: a web address without a host, e.g. https:///soudan.
        doc.problem((*path, "url"), notice("'%(url)s' has no host name; write it as https://host/path", url=url))
    return Desk(
        id=desk_id,
        name=data["name"],
        reading=data.get("reading", data["name"]),
        about=_text(doc, (*path, "about"), data.get("about")),
        phone=phone,
        email=email,
        email_reading=email_reading,
        hours=hours,
        fee=_text(doc, (*path, "fee"), data.get("fee")),
        notes=tuple(_text(doc, (*path, "notes", i), n) for i, n in enumerate(data.get("notes", []))),
        in_scope=data.get("in_scope", False),
        transfer=transfer,
        url=url,
    )


def _menu(doc: Document, menu_id: str, data: dict, keys: Keys, desks: dict, menus: dict) -> Menu:
    path = ("menus", menu_id)
    options = []
    reserved = {keys.repeat: "repeat", keys.top: "top"}
    for key, option in data["options"].items():
        opath = (*path, "options", key)
        if opath not in doc.quoted:
            # TRANSLATORS: a menu's key written without quotes, e.g. 1: instead of "1":.
            doc.problem(opath, notice('write the key in quotes: "%(key)s":', key=key))
        if reserved.get(key) == "repeat":
            # TRANSLATORS: a menu uses the key that repeats every menu (keys.repeat) for a choice.
            doc.problem(opath, notice("key %(key)s is the repeat key on every menu (keys.repeat)", key=key))
        elif reserved.get(key) == "top":
            # TRANSLATORS: a menu uses the key that goes back to the first menu (keys.top) for a choice.
            doc.problem(opath, notice("key %(key)s is the top key on every menu (keys.top)", key=key))
        if "desk" in option and option["desk"] not in desks:
            doc.problem((*opath, "desk"), _unknown_desk(option["desk"], desks))
        if "menu" in option and option["menu"] not in menus:
            # TRANSLATORS: a choice leads to a menu id that routes.yaml does not have; known lists the ids.
            doc.problem((*opath, "menu"), notice("unknown menu '%(menu)s'; known: %(known)s",
                                                 menu=option["menu"], known=sorted(menus)))
        options.append(Option(
            key=key,
            label=_text(doc, (*opath, "label"), option["label"]),
            lead=_text(doc, (*opath, "lead"), option.get("lead")),
            asked_as=_text(doc, (*opath, "asked_as"), option.get("asked_as")),
            scope_statement=option.get("scope_statement", True),
            desk=option.get("desk"),
            menu=option.get("menu"),
            says=_says(doc, (*opath, "says"), option.get("says", [])),
            urgent=option.get("urgent", False),
        ))
    return Menu(menu_id, _text(doc, (*path, "intro"), data.get("intro")), tuple(options))


def _unknown_desk(desk_id: str, desks: dict) -> str:
    # TRANSLATORS: a desk id that routes.yaml does not have (often misspelt); known lists the ids.
    return notice("unknown desk '%(desk)s'; known: %(known)s", desk=desk_id, known=sorted(desks))


def _date(doc: Document, path: tuple, text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        # TRANSLATORS: a date that does not exist, e.g. 2026-02-30.
        doc.problem(path, notice("%(date)s is not a date on the calendar", date=text))
        return None


def _timed_desk(doc: Document, path: tuple, desk_id: str, desks: dict[str, Desk]) -> bool:
    """Whether a desk named in the calendar exists and has hours the line works out."""
    desk = desks.get(desk_id)
    if desk is None:
        doc.problem(path, _unknown_desk(desk_id, desks))
        return False
    if desk.hours is None or not desk.hours.known:
        # TRANSLATORS: the calendar names a desk whose hours the line does not work out itself.
        doc.problem(path, notice("desk '%(desk)s' has no hours of its own (none, or varies), "
                                 "so the calendar cannot open or close it", desk=desk_id))
        return False
    return True


def _calendar(doc: Document, data: dict, desks: dict[str, Desk]) -> Calendar:
    """calendar: and announcements: checked against the desks and against each other."""
    taken: dict[tuple[str, date], tuple[int, DayHours]] = {}  # (desk, day) → the line that set it, and how
    entries = tuple(_dated(doc, ("calendar", i), entry, desks, taken)
                    for i, entry in enumerate(data.get("calendar", [])))
    hours: dict[str, dict[date, DayHours]] = {}
    for (desk_id, day), (_, day_hours) in taken.items():
        hours.setdefault(desk_id, {})[day] = day_hours
    announcements = (_announcement(doc, ("announcements", i), item, desks)
                     for i, item in enumerate(data.get("announcements", [])))
    return Calendar(hours, tuple(a for a in announcements if a is not None), entries)


def _dated(doc: Document, path: tuple, entry: dict, desks: dict[str, Desk],
           taken: dict[tuple[str, date], tuple[int, DayHours]]) -> DatedEntry:
    """One calendar entry: its dates, the desks it closes and those it gives special hours.

    What it sets for each desk on each of its dates goes into `taken`, unless an earlier entry
    set that desk on that day.
    """
    days = _entry_dates(doc, path, entry)
    say = _text(doc, (*path, "say"), entry.get("say"))
    closed = _closures(doc, path, entry.get("closed", []), desks)
    opened = _special_hours(doc, path, entry.get("open", {}), desks, shut={d for d, _ in closed})
    settings = [(d, DayHours((), say), where) for d, where in closed]
    settings += [(d, DayHours(spans, say), where) for d, spans, where in opened]
    for (desk_id, day_hours, where), day in itertools.product(settings, days):
        if (desk_id, day) in taken:
            # TRANSLATORS: two calendar entries for one desk on one day; line is the first's.
            doc.problem(where, notice("desk '%(desk)s' already has an entry for %(day)s "
                                      "(line %(line)s); give each desk one per day",
                                      desk=desk_id, day=day, line=taken[desk_id, day][0]))
        else:
            taken[desk_id, day] = (doc.line(path), day_hours)
    return DatedEntry(days, tuple(d for d, _ in closed), tuple((d, h) for d, h, _ in settings if not h.closed),
                      say, path[-1], entry.get("closed") == "all")


def _entry_dates(doc: Document, path: tuple, entry: dict) -> tuple[date, ...]:
    """A calendar entry's date: or dates:, each a real date and none twice."""
    written = ([((*path, "date"), entry["date"])] if "date" in entry else
               [((*path, "dates", j), text) for j, text in enumerate(entry["dates"])])
    days: list[date] = []
    for where, text in written:
        day = _date(doc, where, text)
        if day in days:
            # TRANSLATORS: the same date twice in one calendar entry's dates.
            doc.problem(where, notice("%(date)s is listed twice", date=text))
        elif day is not None:
            days.append(day)
    return tuple(days)


def _closures(doc: Document, path: tuple, closed: str | list[str],
              desks: dict[str, Desk]) -> list[tuple[str, tuple]]:
    """(desk, where) for each desk a calendar entry closes: for all, every timed desk but those open
    around the clock every day (their answers say 24時間、年中無休); else those listed."""
    if closed == "all":
        return [(d, (*path, "closed")) for d, desk in desks.items()
                if desk.hours is not None and desk.hours.known and not desk.hours.always]
    return [(d, (*path, "closed", j)) for j, d in enumerate(closed) if _timed_desk(doc, (*path, "closed", j), d, desks)]


def _special_hours(doc: Document, path: tuple, opened: dict[str, list[str]], desks: dict[str, Desk],
                   shut: set[str]) -> list[tuple[str, tuple[Span, ...], tuple]]:
    """(desk, spans, where) for each desk a calendar entry gives special hours, if not also closed."""
    found = []
    for desk_id, texts in opened.items():
        where = (*path, "open", desk_id)
        if not _timed_desk(doc, where, desk_id, desks):
            continue
        spans = _spans(doc, where, texts)
        if desk_id in shut:
            # TRANSLATORS: one calendar entry both closes a desk and gives it special hours.
            doc.problem(where, notice("desk '%(desk)s' is both closed and open in this entry", desk=desk_id))
        elif spans:
            found.append((desk_id, spans, where))
    return found


def _announcement(doc: Document, path: tuple, item: dict, desks: dict[str, Desk]) -> Announcement | None:
    """One announcement, or None when one of its dates is not a date."""
    first = _date(doc, (*path, "from"), item["from"])
    last = _date(doc, (*path, "until"), item["until"])
    if first and last and last < first:
        # TRANSLATORS: an announcement's last day (until:) is before its first day (from:).
        doc.problem((*path, "until"), notice("%(last)s comes before from: %(first)s", last=last, first=first))
    where = item["where"]
    named = () if where == GREETING else where
    for j, desk_id in enumerate(named):
        if desk_id not in desks:
            doc.problem((*path, "where", j), _unknown_desk(desk_id, desks))
    say = _text(doc, (*path, "say"), item["say"])
    if not (first and last):
        return None
    return Announcement(first, last, say, where == GREETING, frozenset(named), path[-1])


def _unclear(doc: Document, data: dict | None, menus: dict[str, Menu]) -> Unclear | None:
    """unclear: its two choices must be options of the menus."""
    if data is None:
        return None
    for i, topic in enumerate(data["choices"]):
        menu_id, _, key = topic.partition("/")
        if menu_id not in menus:
            # TRANSLATORS: a choice leads to a menu id that routes.yaml does not have; known lists the ids.
            doc.problem(("unclear", "choices", i), notice("unknown menu '%(menu)s'; known: %(known)s",
                                                          menu=menu_id, known=sorted(menus)))
        elif menus[menu_id].option(key) is None:
            # TRANSLATORS: the vague callers' question names a key that the menu does not have.
            doc.problem(("unclear", "choices", i), notice("menu '%(menu)s' has no option \"%(key)s\"",
                                                          menu=menu_id, key=key))
    return Unclear(says=_says(doc, ("unclear", "says"), data["says"]), ask=_text(doc, ("unclear", "ask"), data.get("ask")),
                   topics=tuple(data["choices"]))


def _reachable(menus: dict[str, Menu]) -> set[str]:
    seen, todo = {TOP_MENU}, [TOP_MENU]
    while todo:
        for option in menus[todo.pop()].options:
            if option.menu in menus and option.menu not in seen:
                seen.add(option.menu)
                todo.append(option.menu)
    return seen


def build(doc: Document, text: str) -> Routes:
    """The routes model of checked data; its problems are noted in `doc`, not raised."""
    data = doc.data
    line = data["line"]
    voice = line.get("voice", DEFAULT_VOICE)
    if voice not in JAPANESE_VOICES:
        # TRANSLATORS: line.voice names a voice that does not speak Japanese; voices lists those that do.
        doc.problem(("line", "voice"), notice("'%(voice)s' is not a Japanese voice Twilio offers; "
                                              "use one of: %(voices)s", voice=voice, voices=JAPANESE_VOICES))
    keys = Keys(**data.get("keys", {}))
    if keys.repeat == keys.top:
        # TRANSLATORS: keys.repeat and keys.top are the same phone key.
        doc.problem(("keys",), notice("repeat and top must be different keys"))
    if keys.transfer in (keys.repeat, keys.top):
        # TRANSLATORS: keys.transfer is the same phone key as keys.repeat or keys.top.
        doc.problem(("keys", "transfer"), notice("the transfer key must differ from repeat and top"))
    if keys.sms in (keys.repeat, keys.top, keys.transfer):
        # TRANSLATORS: keys.sms is the same phone key as keys.repeat, keys.top or keys.transfer.
        doc.problem(("keys", "sms"), notice("the sms key must differ from repeat, top and transfer"))
    desks = {desk_id: _desk(doc, desk_id, d) for desk_id, d in data["desks"].items()}
    menus = {}
    for menu_id, menu in data["menus"].items():
        menus[menu_id] = _menu(doc, menu_id, menu, keys, desks, data["menus"])
    targets_known = all(o.menu in menus for m in menus.values() for o in m.options if o.menu)
    for menu_id in sorted(set(menus) - _reachable(menus)) if targets_known else ():
        # TRANSLATORS: no choice on any menu leads to this menu, so callers never hear it.
        doc.problem(("menus", menu_id), notice("menu '%(menu)s' cannot be reached from the top menu",
                                               menu=menu_id))
    return Routes(
        voice=voice,
        greeting=_text(doc, ("line", "greeting"), line["greeting"]),
        scope_statement=_text(doc, ("line", "scope_statement"), line["scope_statement"]),
        input=InputSettings(**data.get("input", {})),
        keys=keys,
        desks=desks,
        menus=menus,
        source=doc.file,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        calendar=_calendar(doc, data, desks),
        unclear=_unclear(doc, data.get("unclear"), menus),
        lines=dict(doc.lines),
    )
