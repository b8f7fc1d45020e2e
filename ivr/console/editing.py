"""Changes the console's forms make to routes.yaml, as text an operator can still read.

Each change rewrites only the top-level section it touches (`calendar:`, `announcements:`,
`desks:`), through ruamel.yaml's round trip, which keeps that section's comments, quotes and
order; every other line of the file stays byte for byte as it was. The result is checked by
the same loader as any other text before it is kept.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

ALL = "all"
GREETING = "greeting"
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*:")


class EditError(ValueError):
    """The text cannot be changed this way (it is not the mapping routes.yaml is)."""


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, quotes and order are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a line the operator wrote
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _quoted(value: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(value)


def _flow(items: Iterable) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _block(items: Iterable = ()) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_block_style()
    return seq


def section_bounds(lines: list[str], key: str) -> tuple[int, int] | None:
    """The lines [start, end) of a top-level key's section, without the comments after it
    that introduce the next key."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"{re.escape(key)}\s*:", line)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def edit_section(text: str, key: str, change: Callable[[object], object], empty: object) -> str:
    """`text` with the top-level `key` replaced by `change(its value)` (`empty` where it is absent)."""
    lines = text.splitlines(keepends=True)
    bounds = section_bounds(lines, key)
    yaml = _yaml()
    if bounds is None:
        data = CommentedMap({key: empty})
        start = end = len(lines)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    else:
        start, end = bounds
        try:
            data = yaml.load("".join(lines[start:end]))
        except YAMLError as error:
            raise EditError(f"the {key}: section cannot be read: {error}") from None
        if not isinstance(data, dict) or key not in data:
            raise EditError(f"the {key}: section cannot be read")
    data[key] = change(data[key] if data[key] is not None else empty)
    out = io.StringIO()
    yaml.dump(data, out)
    return "".join(lines[:start]) + out.getvalue() + "".join(lines[end:])


def _entries(value) -> CommentedSeq:
    if not isinstance(value, list):
        raise EditError("expected a list")
    seq = value if isinstance(value, CommentedSeq) else CommentedSeq(value)
    seq.fa.set_block_style()
    return seq


def _dates(entry: CommentedMap, days: list[date]) -> None:
    if len(days) == 1:
        entry["date"] = _quoted(days[0].isoformat())
    else:
        entry["dates"] = _flow(_quoted(d.isoformat()) for d in days)


def add_closure(text: str, days: list[date], desks: list[str] | str, say: str = "") -> str:
    """A calendar entry closing `desks` (ids, or "all") all day on `days`."""
    entry = CommentedMap()
    _dates(entry, days)
    entry["closed"] = ALL if desks == ALL else _flow(desks)
    if say.strip():
        entry["say"] = say.strip()
    return edit_section(text, "calendar", lambda seq: _appended(seq, entry), _block())


def add_special_hours(text: str, days: list[date], spans: dict[str, list[str]], say: str = "") -> str:
    """A calendar entry giving desks their hours on `days` instead of the usual ones."""
    entry = CommentedMap()
    _dates(entry, days)
    entry["open"] = CommentedMap((desk, _flow(_quoted(s) for s in desk_spans))
                                 for desk, desk_spans in spans.items())
    entry["open"].fa.set_flow_style()
    if say.strip():
        entry["say"] = say.strip()
    return edit_section(text, "calendar", lambda seq: _appended(seq, entry), _block())


def add_announcement(text: str, first: date, last: date, say: str, where: list[str] | str) -> str:
    """An announcement said from `first` to `last`, after the greeting or before desks' answers."""
    entry = CommentedMap()
    entry["from"] = _quoted(first.isoformat())
    entry["until"] = _quoted(last.isoformat())
    entry["say"] = say.strip()
    entry["where"] = GREETING if where == GREETING else _flow(where)
    return edit_section(text, "announcements", lambda seq: _appended(seq, entry), _block())


def _appended(seq, entry: CommentedMap) -> CommentedSeq:
    seq = _entries(seq)
    seq.append(entry)
    return seq


def remove_entry(text: str, key: str, index: int) -> str:
    """`text` without the `index`th entry of `calendar:` or `announcements:`."""
    if key not in ("calendar", "announcements"):
        raise EditError(f"{key} has no entries to remove")

    def remove(seq):
        seq = _entries(seq)
        if not 0 <= index < len(seq):
            raise EditError(f"{key} has no entry {index}")
        del seq[index]
        if not seq:
            seq.fa.set_flow_style()  # calendar: [] as the shipped file has it
        return seq

    return edit_section(text, key, remove, _block())


def clear_day(text: str, day: date, desks: set[str]) -> str:
    """`text` without `day` in the calendar entries that concern only some of `desks`.

    An entry left with no date is removed. Entries that also concern other desks are left
    as they are (the check then names them, if they clash).
    """
    def clear(seq):
        seq = _entries(seq)
        for index in reversed(range(len(seq))):
            entry = seq[index]
            if not isinstance(entry, dict):
                continue
            closed = entry.get("closed")
            named = set(entry.get("open") or {}) | ({ALL} if closed == ALL else set(closed or ()))
            if not named or not named <= desks:
                continue
            iso = day.isoformat()
            if str(entry.get("date", "")) == iso:
                del seq[index]
            elif iso in [str(d) for d in entry.get("dates") or ()]:
                remaining = [d for d in entry["dates"] if str(d) != iso]
                del entry["dates"]
                if not remaining:
                    del seq[index]
                elif len(remaining) == 1:
                    entry.insert(0, "date", _quoted(str(remaining[0])))
                else:
                    entry.insert(0, "dates", _flow(_quoted(str(d)) for d in remaining))
        if not seq:
            seq.fa.set_flow_style()
        return seq

    return edit_section(text, "calendar", clear, _block())


DESK_TEXTS = ("name", "reading", "phone", "about", "fee", "url")


def update_desk(text: str, desk_id: str, *, texts: dict[str, str], notes: list[str],
                flags: dict[str, bool], hours: dict | None) -> str:
    """A desk's fields as a form gives them: texts (empty removes the field), notes, flags, hours.

    `hours` is {"days": …, "open": [...], "closed": [...]} for desks whose hours are worked
    out, or None to leave the hours alone.
    """
    def change(desks):
        if not isinstance(desks, dict) or desk_id not in desks:
            raise EditError(f"there is no desk {desk_id}")
        desk = desks[desk_id]
        for field, value in texts.items():
            value = value.strip()
            if value:
                if field not in desk or str(desk[field]).strip() != value:  # unchanged keeps its style
                    desk[field] = _quoted(value) if field == "phone" else value
            elif field in desk:
                del desk[field]
        notes_now = [n.strip() for n in notes if n.strip()]
        if notes_now:
            if list(desk.get("notes") or []) != notes_now:
                desk["notes"] = _block(notes_now)
        elif "notes" in desk:
            del desk["notes"]
        for field, value in flags.items():
            if value:
                desk[field] = True
            elif field in desk:
                del desk[field]
        if hours is not None:
            current = desk.get("hours")
            if not isinstance(current, dict) or "varies" in current:
                raise EditError(f"desk {desk_id}'s hours are not days and times")
            current["days"] = hours["days"]
            current["open"] = _flow(_quoted(s) for s in hours["open"])
            current["closed"] = _flow(hours["closed"])
        return desks

    return edit_section(text, "desks", change, CommentedMap())
