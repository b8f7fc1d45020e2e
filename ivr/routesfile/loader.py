"""The operators' routes.yaml: a strict loader building the core's immutable model.

Every problem names the file, the line and the key path. The caller passes the text
in; reading the file is `load_routes`' only I/O.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

from ..core.contacts import Email, Phone, grouping_problem, parse_email, parse_phone
from ..core.dated import GREETING, Announcement, Calendar, DatedEntry
from ..core.hours import DAY_MINUTES, DayHours, Hours, Span
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
from .reader import MAX_BYTES, Document, Problem, read_yaml, too_large

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACEHOLDER = re.compile(r"\{(tel|mail):([^{}]*)\}")
FOLDED_SPACE = re.compile(r"(?<=[。、！？])\s+|\s+(?=[。、])")
DIGITS = re.compile(r"[0-9０-９]+")
MAX_PROBLEMS = 50  # schema problems reported at once: a file far from valid needs fixing first


class RoutesError(Exception):
    """routes.yaml cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def schema() -> dict:
    """The JSON Schema that routes.yaml must satisfy."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))


def load_routes(path: str | Path) -> Routes:
    """Read and check a routes file; raise RoutesError naming every problem."""
    return parse_routes(read_routes_text(path), str(path))


def read_routes_text(path: str | Path) -> str:
    """A routes file's text; RoutesError if it cannot be read, is not UTF-8 or is over MAX_BYTES.

    At most MAX_BYTES are read: a larger file is refused without being read whole.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise RoutesError([Problem(str(path), 1, (), f"cannot be read: {exc}")]) from None
    if len(data) > MAX_BYTES:
        raise RoutesError([Problem(str(path), 1, (), too_large(max(size, len(data))))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RoutesError([Problem(str(path), line, (), f"cannot be read: not UTF-8 text ({exc.reason})")]) from None


def parse_routes(text: str, file: str = "routes.yaml") -> Routes:
    """Check routes text strictly and build the model; raise RoutesError on any problem.

    Any other error while loading (a bug, or a file that finds one) becomes a RoutesError too:
    the server keeps serving what it had, and `ivr check` names the file instead of a traceback.
    """
    try:
        return _parse_routes(text, file)
    except RoutesError:
        raise
    except Exception as exc:  # noqa: BLE001 — RecursionError and MemoryError included
        reason = str(exc)[:200]
        raise RoutesError([Problem(file, 1, (), f"cannot be loaded: {type(exc).__name__}"
                                               + (f": {reason}" if reason else ""))]) from exc


def _parse_routes(text: str, file: str) -> Routes:
    doc = read_yaml(text, file)
    if doc.problems:
        raise RoutesError(doc.problems)
    _check_schema(doc)
    if doc.problems:
        raise RoutesError(doc.problems)
    routes = _build(doc, text)
    if doc.problems:
        raise RoutesError(sorted(doc.problems, key=lambda p: p.line))
    return routes


def _check_schema(doc: Document) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = itertools.islice(validator.iter_errors(doc.data), MAX_PROBLEMS)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = (*path, unknown[0])
        doc.problem(path, _explain(error, path))


def _explain(error: jsonschema.ValidationError, path: tuple) -> str:
    """Say what is wrong in an operator's words, and what would be valid."""
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        return f"unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    if kind == "required":
        return f"missing {error.message.split(' is a required')[0]}"
    if kind == "type" and error.validator_value == "string":
        return f"must be text in quotes, e.g. \"{error.instance}\" (YAML read {error.instance!r})"
    if kind == "type":
        return f"must be {_TYPES.get(error.validator_value, error.validator_value)}, not {error.instance!r}"
    if kind == "pattern":
        form = _FORMS.get(error.validator_value, error.validator_value)
        return f"{error.instance!r} is not in the form {form}"
    if kind == "oneOf" and path and path[-1] == "hours":
        return "give days, open and closed, or varies on its own"
    if kind == "oneOf" and len(path) >= 3 and path[-2] == "options":
        return "give exactly one of desk or menu"
    if kind == "oneOf" and path and path[-1] == "days":
        return f"{error.instance!r} is not a day (mon … sun), a range such as mon-fri, or a list of days"
    if kind == "oneOf" and len(path) == 2 and path[0] == "calendar":
        return "give either date or dates"
    if kind == "anyOf" and len(path) == 2 and path[0] == "calendar":
        return "give closed (desk ids, or all), open (special hours), or both"
    if kind == "oneOf" and path and path[-1] == "closed":
        return f"{error.instance!r} is neither all nor a list of desk ids"
    if kind == "oneOf" and path and path[-1] == "where":
        return f"{error.instance!r} is neither greeting nor a list of desk ids"
    if kind == "const":
        return f"must be {error.validator_value}"
    if kind == "maxLength":
        return f"is {len(error.instance):,} characters long; at most {error.validator_value:,}"
    if kind == "maxItems":
        return f"has {len(error.instance):,} items; at most {error.validator_value:,}"
    if kind == "maxProperties":
        return f"has {len(error.instance):,} entries; at most {error.validator_value:,}"
    return error.message


_TYPES = {"boolean": "true or false", "integer": "a whole number", "object": "a set of keys",
          "array": "a list"}
_FORMS = {
    "^[a-z][a-z0-9_]*$": "of a name in lower-case letters, digits and _ (e.g. center)",
    "^[0-9*#]$": "of one phone key, in quotes (\"0\" … \"9\", \"*\" or \"#\")",
    "^[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$": "HH:MM-HH:MM (e.g. \"10:00-12:00\")",
    "^https://[!-~]+$": "of a web address starting with https:// (e.g. https://www.example.jp/soudan/)",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "YYYY-MM-DD, in quotes (e.g. \"2026-12-28\")",
    "^[a-z][a-z0-9_]*/[0-9*#]$": "menu/key, in quotes (e.g. \"billing/1\")",
}


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
            doc.problem(path, str(exc))
        else:
            _grouping(doc, path, parts[-1])
        last = match.end()
    parts.append(value[last:])
    if "{" in value.replace("{tel:", "").replace("{mail:", ""):
        doc.problem(path, "braces are only for {tel:NUMBER} and {mail:ADDRESS}")
    for part in parts:
        if isinstance(part, str):
            _no_digits(doc, path, part)
    return tuple(p for p in parts if p != "")


def _grouping(doc: Document, path: tuple, contact: Phone | Email) -> None:
    """A number callers would write down wrongly: no hyphens, or an area code split wrongly."""
    problem = grouping_problem(contact) if isinstance(contact, Phone) else None
    if problem is not None:
        doc.problem(path, problem)


def _no_digits(doc: Document, path: tuple, text: str, instead: str = "") -> None:
    """A number written in digits in spoken text is read unreliably (188 as hyaku hachijū hachi)."""
    found = DIGITS.search(text)
    if found:
        doc.problem(path, f"'{found[0]}' is a number written in digits, which the speech engine "
                          "misreads; write {tel:…} for a phone number, or the number in words"
                    + instead)


def _days(value: str | list[str]) -> frozenset[int]:
    if isinstance(value, list):
        return frozenset(DAY_NAMES.index(d) for d in value)
    first, _, last = value.partition("-")
    start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
    return frozenset(range(start, end + 1)) if start <= end else frozenset()


def _minute(text: str) -> int:
    hour, minute = text.split(":")
    if int(minute) > 59 or int(hour) > 24 or (int(hour) == 24 and int(minute)):
        raise ValueError(f"{text} is not a time of day")
    return int(hour) * 60 + int(minute)


def _hours(doc: Document, path: tuple, data: dict) -> Hours:
    if "varies" in data:
        _no_digits(doc, (*path, "varies"), data["varies"])
        return Hours(varies=data["varies"])
    days = _days(data["days"])
    if not days:
        doc.problem((*path, "days"), f"'{data['days']}' runs backwards; write it as mon-fri")
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
            doc.problem((*path, i), str(exc))
            continue
        if span.end <= span.start:
            doc.problem((*path, i), f"{text} ends before it starts")
        elif spans and span.start < spans[-1].end:
            doc.problem((*path, i), f"{text} overlaps or comes before the span before it")
        else:
            spans.append(span)
    if spans and spans[-1].end > DAY_MINUTES:
        doc.problem(path, "a span cannot run past 24:00")
    return tuple(spans)


def _desk(doc: Document, desk_id: str, data: dict) -> Desk:
    path = ("desks", desk_id)
    phone = email = None
    if "phone" in data:
        try:
            phone = parse_phone(data["phone"])
        except ValueError as exc:
            doc.problem((*path, "phone"), str(exc))
        else:
            _grouping(doc, (*path, "phone"), phone)
    if "email" in data:
        try:
            email = parse_email(data["email"])
        except ValueError as exc:
            doc.problem((*path, "email"), str(exc))
    hours = _hours(doc, (*path, "hours"), data["hours"]) if "hours" in data else None
    if "reading" in data:
        _no_digits(doc, (*path, "reading"), data["reading"])
    else:
        _no_digits(doc, (*path, "name"), data["name"], instead="; or give the name a reading:")
    email_reading = tuple(w.strip() for w in data.get("email_reading", "").split("、") if w.strip())
    if "email_reading" in data:
        _no_digits(doc, (*path, "email_reading"), data["email_reading"])
    if email_reading and email is None and "email" not in data:
        doc.problem((*path, "email_reading"), "there is no email address to say")
    if phone and not hours:
        doc.problem(path, "a desk with a phone number needs hours (or hours: {varies: …})")
    transfer = data.get("transfer", False)
    if transfer:
        if "phone" in data and phone is None:
            pass  # the number itself is already reported
        elif phone is None:
            doc.problem((*path, "transfer"), "there is no phone number to put the call through to")
        elif not phone.dialable:
            doc.problem(
                (*path, "transfer"),
                f"{phone.written} cannot be dialled from Twilio (short codes and 0570 numbers "
                "cannot); set transfer: false",
            )
        elif hours is not None and not hours.known:
            doc.problem((*path, "transfer"), "a transfer needs known hours, not varies")
    url = data.get("url")
    if url is not None and not urlsplit(url).hostname:
        doc.problem((*path, "url"), f"'{url}' has no host name; write it as https://host/path")
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
            doc.problem(opath, f'write the key in quotes: "{key}":')
        if key in reserved:
            doc.problem(opath, f"key {key} is the {reserved[key]} key on every menu (keys.{reserved[key]})")
        if "desk" in option and option["desk"] not in desks:
            doc.problem((*opath, "desk"),
                        f"unknown desk '{option['desk']}'; known: {', '.join(sorted(desks))}")
        if "menu" in option and option["menu"] not in menus:
            doc.problem((*opath, "menu"),
                        f"unknown menu '{option['menu']}'; known: {', '.join(sorted(menus))}")
        options.append(Option(
            key=key,
            label=_text(doc, (*opath, "label"), option["label"]),
            lead=_text(doc, (*opath, "lead"), option.get("lead")),
            scope_statement=option.get("scope_statement", True),
            desk=option.get("desk"),
            menu=option.get("menu"),
            says=tuple(option.get("says", ())),
            urgent=option.get("urgent", False),
        ))
    return Menu(menu_id, _text(doc, (*path, "intro"), data.get("intro")), tuple(options))


def _date(doc: Document, path: tuple, text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        doc.problem(path, f"{text} is not a date on the calendar")
        return None


def _timed_desk(doc: Document, path: tuple, desk_id: str, desks: dict[str, Desk]) -> bool:
    """Whether a desk named in the calendar exists and has hours the line works out."""
    desk = desks.get(desk_id)
    if desk is None:
        doc.problem(path, f"unknown desk '{desk_id}'; known: {', '.join(sorted(desks))}")
        return False
    if desk.hours is None or not desk.hours.known:
        doc.problem(path, f"desk '{desk_id}' has no hours of its own (none, or varies), "
                          "so the calendar cannot open or close it")
        return False
    return True


def _calendar(doc: Document, data: dict, desks: dict[str, Desk]) -> Calendar:
    """calendar: and announcements: checked against the desks and against each other."""
    timed = [d for d, desk in desks.items() if desk.hours is not None and desk.hours.known]
    hours: dict[str, dict[date, DayHours]] = {}
    taken: dict[tuple[str, date], int] = {}  # (desk, day) → line of the entry that set it
    entries = []
    for i, entry in enumerate(data.get("calendar", [])):
        path = ("calendar", i)
        written = ([((*path, "date"), entry["date"])] if "date" in entry else
                   [((*path, "dates", j), text) for j, text in enumerate(entry["dates"])])
        days: list[date] = []
        for day_path, text in written:
            day = _date(doc, day_path, text)
            if day in days:
                doc.problem(day_path, f"{text} is listed twice")
            elif day is not None:
                days.append(day)
        say = _text(doc, (*path, "say"), entry.get("say"))
        settings: list[tuple[str, DayHours, tuple]] = []
        closed = entry.get("closed", [])
        if closed == "all":
            settings += [(d, DayHours((), say), (*path, "closed")) for d in timed]
        else:
            settings += [(d, DayHours((), say), (*path, "closed", j)) for j, d in enumerate(closed)
                         if _timed_desk(doc, (*path, "closed", j), d, desks)]
        shut = {d for d, _, _ in settings}
        for desk_id, texts in entry.get("open", {}).items():
            open_path = (*path, "open", desk_id)
            if not _timed_desk(doc, open_path, desk_id, desks):
                continue
            spans = _spans(doc, open_path, texts)
            if desk_id in shut:
                doc.problem(open_path, f"desk '{desk_id}' is both closed and open in this entry")
            elif spans:
                settings.append((desk_id, DayHours(spans, say), open_path))
        for desk_id, day_hours, where in settings:
            for day in days:
                if (desk_id, day) in taken:
                    doc.problem(where, f"desk '{desk_id}' already has an entry for {day} "
                                       f"(line {taken[desk_id, day]}); give each desk one per day")
                else:
                    taken[desk_id, day] = doc.line(path)
                    hours.setdefault(desk_id, {})[day] = day_hours
        entries.append(DatedEntry(
            tuple(days), tuple(d for d, h, _ in settings if h.closed),
            tuple((d, h) for d, h, _ in settings if not h.closed), say, i))
    announcements = []
    for i, item in enumerate(data.get("announcements", [])):
        path = ("announcements", i)
        first = _date(doc, (*path, "from"), item["from"])
        last = _date(doc, (*path, "until"), item["until"])
        if first and last and last < first:
            doc.problem((*path, "until"), f"{last} comes before from: {first}")
        where = item["where"]
        named = frozenset() if where == GREETING else frozenset(where)
        for j, desk_id in enumerate([] if where == GREETING else where):
            if desk_id not in desks:
                doc.problem((*path, "where", j),
                            f"unknown desk '{desk_id}'; known: {', '.join(sorted(desks))}")
        say = _text(doc, (*path, "say"), item["say"])
        if first and last:
            announcements.append(Announcement(first, last, say, where == GREETING, named, i))
    return Calendar(hours, tuple(announcements), tuple(entries))


def _unclear(doc: Document, data: dict | None, menus: dict[str, Menu]) -> Unclear | None:
    """unclear: its two choices must be options of the menus."""
    if data is None:
        return None
    for i, topic in enumerate(data["choices"]):
        menu_id, _, key = topic.partition("/")
        if menu_id not in menus:
            doc.problem(("unclear", "choices", i),
                        f"unknown menu '{menu_id}'; known: {', '.join(sorted(menus))}")
        elif menus[menu_id].option(key) is None:
            doc.problem(("unclear", "choices", i), f"menu '{menu_id}' has no option \"{key}\"")
    return Unclear(says=tuple(data["says"]), ask=_text(doc, ("unclear", "ask"), data.get("ask")),
                   topics=tuple(data["choices"]))


def _reachable(menus: dict[str, Menu]) -> set[str]:
    seen, todo = {TOP_MENU}, [TOP_MENU]
    while todo:
        for option in menus[todo.pop()].options:
            if option.menu in menus and option.menu not in seen:
                seen.add(option.menu)
                todo.append(option.menu)
    return seen


def _build(doc: Document, text: str) -> Routes:
    data = doc.data
    line = data["line"]
    voice = line.get("voice", DEFAULT_VOICE)
    if voice not in JAPANESE_VOICES:
        doc.problem(("line", "voice"),
                    f"'{voice}' is not a Japanese voice Twilio offers; use one of: {', '.join(JAPANESE_VOICES)}")
    keys = Keys(**data.get("keys", {}))
    if keys.repeat == keys.top:
        doc.problem(("keys",), "repeat and top must be different keys")
    if keys.transfer in (keys.repeat, keys.top):
        doc.problem(("keys", "transfer"), "the transfer key must differ from repeat and top")
    if keys.sms in (keys.repeat, keys.top, keys.transfer):
        doc.problem(("keys", "sms"), "the sms key must differ from repeat, top and transfer")
    desks = {desk_id: _desk(doc, desk_id, d) for desk_id, d in data["desks"].items()}
    menus = {}
    for menu_id, menu in data["menus"].items():
        menus[menu_id] = _menu(doc, menu_id, menu, keys, desks, data["menus"])
    targets_known = all(o.menu in menus for m in menus.values() for o in m.options if o.menu)
    for menu_id in sorted(set(menus) - _reachable(menus)) if targets_known else ():
        doc.problem(("menus", menu_id), f"menu '{menu_id}' cannot be reached from the top menu")
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
