"""Read YAML into plain data while remembering the line of every key path.

An operator's file is untrusted input: before anything is built from it, its size, its nesting
and its number of values are bounded, and anchors and aliases (&name, *name) are refused, so no
file can make loading take long or grow without limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..core.notices import ENGLISH, Notice, in_locale, language_of, notice, pnotice

Path = tuple[str | int, ...]
STR_TAG = "tag:yaml.org,2002:str"
MAX_BYTES = 1024 * 1024  # a Kubernetes ConfigMap holds 1 MiB; the shipped routes.yaml is about 10 KB
MAX_DEPTH = 12  # lists and mappings inside each other; routes.yaml needs 6
MAX_VALUES = 5_000  # keys, values and list items; routes.yaml has about 500
# libyaml's parser when PyYAML has it (it keeps its own stack, so deep nesting cannot overflow ours).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an operator's file, where it is and what would be valid.

    `str(problem)` is English; `problem.text(locale)` is the same line in a locale ("ja") and
    `problem.message_in(locale)` the message alone. Lint warnings are Problems too.

    Adding a message: write it as a whole sentence with named placeholders,
    `notice("unknown desk %(desk)s; known: %(known)s", desk=repr(name), known=sorted(desks))`
    (ivr.core.notices), with a `# TRANSLATORS:` comment on the line above saying what it is
    about, and pass it as the message. It is stored with its parameters and rendered on demand
    (a list parameter is joined in the locale's way), never glued from translated pieces. Then
    refresh the operators catalog and translate the new entry (docs/architecture.md, the operators
    catalog); tests/test_operator_messages.py fails until the entry is translated. A plain
    str still works, but stays English in every locale.
    """

    file: str
    line: int
    path: Path
    message: str  # English; a Notice when it can be said in other locales

    def __str__(self) -> str:
        return self.text(ENGLISH)

    def message_in(self, locale: str | None) -> str:
        """The message alone, in a locale ("ja" gives Japanese; English where it has no catalog)."""
        return in_locale(self.message, locale)

    def where_in(self, locale: str | None) -> str:
        """The key path, and outside English where it points in words: menus.top.options."2".desk
        （メニュー top のキー2の選択肢の窓口）."""
        where = format_path(self.path)
        if not where or language_of(locale) == ENGLISH:
            return where
        # TRANSLATORS: a key path of routes.yaml, kept as written so it can be found in the file,
        # then where it points in words, e.g. menus.top.options."2".desk（メニュー top のキー2の選択肢の窓口）.
        return pnotice("where", "%(path)s (%(words)s)", path=where,
                       words=describe_path(self.path, locale)).render(locale)

    def text(self, locale: str | None) -> str:
        """The whole line in a locale: FILE:LINE: KEY PATH: message."""
        where = self.where_in(locale)
        message = self.message_in(locale)
        return f"{self.file}:{self.line}: {where}: {message}" if where else (
            f"{self.file}:{self.line}: {message}"
        )


class RoutesError(Exception):
    """routes.yaml cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: Path) -> str:
    """A key path as an operator reads it: menus.top.options."3".desk."""
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(("." if parts else "") + part)
        else:
            parts.append(("." if parts else "") + f'"{part}"')
    return "".join(parts)


# What each key of routes.yaml is, in words, for describe_path.
_FIELDS = {
    # TRANSLATORS: the parts of a key path in words (ja: 「回線の設定」…), joined by the "where"
    # separator. line: the line's own settings.
    "line": pnotice("field", "the line's settings"),
    # TRANSLATORS: a part of a key path: the voice Twilio speaks with.
    "voice": pnotice("field", "voice"),
    # TRANSLATORS: a part of a key path: the greeting every caller hears first.
    "greeting": pnotice("field", "greeting"),
    # TRANSLATORS: a part of a key path: the sentence saying the center only takes advertising email.
    "scope_statement": pnotice("field", "scope statement"),
    # TRANSLATORS: a part of a key path: how long the line waits and how often it asks again.
    "input": pnotice("field", "input settings"),
    # TRANSLATORS: a part of a key path: which phone keys do what on every menu.
    "keys": pnotice("field", "key settings"),
    # TRANSLATORS: a part of a key path: the list of desks (the places callers are told to call).
    "desks": pnotice("field", "desks"),
    # TRANSLATORS: a part of a key path: a desk's name.
    "name": pnotice("field", "name"),
    # TRANSLATORS: a part of a key path: how a desk's name is read aloud.
    "reading": pnotice("field", "reading"),
    # TRANSLATORS: a part of a key path: what a desk is for, said in its answer.
    "about": pnotice("field", "description"),
    # TRANSLATORS: a part of a key path: a desk's phone number.
    "phone": pnotice("field", "phone number"),
    # TRANSLATORS: a part of a key path: a desk's email address.
    "email": pnotice("field", "email address"),
    # TRANSLATORS: a part of a key path: how a desk's email address is said in words.
    "email_reading": pnotice("field", "reading of the email address"),
    # TRANSLATORS: a part of a key path: what calling a desk costs.
    "fee": pnotice("field", "cost"),
    # TRANSLATORS: a part of a key path: extra sentences said in a desk's answer.
    "notes": pnotice("field", "notes"),
    # TRANSLATORS: a part of a key path: whether the center itself takes this trouble.
    "in_scope": pnotice("field", "taken by the center"),
    # TRANSLATORS: a part of a key path: a desk's web page.
    "url": pnotice("field", "web page"),
    # TRANSLATORS: a part of a key path: a desk's opening hours.
    "hours": pnotice("field", "opening hours"),
    # TRANSLATORS: a part of a key path: the days of the week a desk opens.
    "days": pnotice("field", "days of the week"),
    # TRANSLATORS: a part of a key path: the spans of time a desk is open, e.g. 10:00-12:00.
    "open": pnotice("field", "opening spans"),
    # TRANSLATORS: a part of a key path: the days a desk is closed (holidays, the year-end break).
    "closed": pnotice("field", "days closed"),
    # TRANSLATORS: a part of a key path: opening hours given as a sentence, for desks whose hours vary.
    "varies": pnotice("field", "hours in words"),
    # TRANSLATORS: a part of a key path: whether the call may be put through to the desk.
    "transfer": pnotice("field", "transfer"),
    # TRANSLATORS: a part of a key path: the menus callers choose from with keys.
    "menus": pnotice("field", "menus"),
    # TRANSLATORS: a part of a key path: the sentence before a menu's choices.
    "intro": pnotice("field", "introduction"),
    # TRANSLATORS: a part of a key path: a menu's choices.
    "options": pnotice("field", "choices"),
    # TRANSLATORS: a part of a key path: the words that name a choice in a menu.
    "label": pnotice("field", "label"),
    # TRANSLATORS: a part of a key path: the sentence said before a choice's answer.
    "lead": pnotice("field", "lead-in"),
    # TRANSLATORS: a part of a key path: how a question names a choice (…のご相談でよろしいですか).
    "asked_as": pnotice("field", "name in questions"),
    # TRANSLATORS: a part of a key path: the desk a choice leads to.
    "desk": pnotice("field", "desk it leads to"),
    # TRANSLATORS: a part of a key path: the menu a choice leads to.
    "menu": pnotice("field", "menu it leads to"),
    # TRANSLATORS: a part of a key path: words callers may say for a choice.
    "says": pnotice("field", "words callers say"),
    # TRANSLATORS: a part of a key path: whether a choice's words win over every other (the police).
    "urgent": pnotice("field", "urgent"),
    # TRANSLATORS: a part of a key path: the dated closures and special hours.
    "calendar": pnotice("field", "calendar"),
    # TRANSLATORS: a part of a key path: the dated announcements.
    "announcements": pnotice("field", "announcements"),
    # TRANSLATORS: a part of a key path: the one date of a calendar entry.
    "date": pnotice("field", "date"),
    # TRANSLATORS: a part of a key path: the dates of a calendar entry.
    "dates": pnotice("field", "dates"),
    # TRANSLATORS: a part of a key path: a sentence said to callers on those dates.
    "say": pnotice("field", "what callers hear"),
    # TRANSLATORS: a part of a key path: the first day an announcement is said.
    "from": pnotice("field", "first day"),
    # TRANSLATORS: a part of a key path: the last day an announcement is said.
    "until": pnotice("field", "last day"),
    # TRANSLATORS: a part of a key path: where an announcement is said (after the greeting, or before desks' answers).
    "where": pnotice("field", "where it is said"),
}
_CALENDAR_FIELDS = {
    # TRANSLATORS: a part of a key path: the desks a calendar entry closes on its dates.
    "closed": pnotice("calendar field", "desks closed"),
    # TRANSLATORS: a part of a key path: the special hours a calendar entry sets on its dates.
    "open": pnotice("calendar field", "special hours"),
}
_KEY_FIELDS = {
    # TRANSLATORS: a part of a key path: the key that repeats a menu or an answer.
    "repeat": pnotice("key field", "repeat key"),
    # TRANSLATORS: a part of a key path: the key that goes back to the first menu.
    "top": pnotice("key field", "first-menu key"),
    # TRANSLATORS: a part of a key path: the key that puts the call through to a desk.
    "transfer": pnotice("key field", "transfer key"),
    # TRANSLATORS: a part of a key path: the key that asks for a text message.
    "sms": pnotice("key field", "text message key"),
}


def describe_path(path: Path, locale: str | None) -> str:
    """Where a key path points, in words of a locale: メニュー top のキー2の選択肢の窓口."""
    parts: list[str] = []
    path = tuple(path)
    i = 0
    while i < len(path):
        part, after = path[i], path[i + 1] if i + 1 < len(path) else None
        step = 1
        if part == "desks" and after is not None:
            # TRANSLATORS: a part of a key path: one desk, by its id in routes.yaml (ja: 窓口 center).
            said, step = notice("desk %(id)s", id=after), 2
        elif part == "menus" and after is not None:
            # TRANSLATORS: a part of a key path: one menu, by its id in routes.yaml (ja: メニュー top).
            said, step = notice("menu %(id)s", id=after), 2
        elif part == "options" and after is not None:
            # TRANSLATORS: a part of a key path: a menu's choice on one phone key (ja: キー2の選択肢).
            said, step = notice("the choice on key %(key)s", key=after), 2
        elif part == "calendar" and isinstance(after, int):
            # TRANSLATORS: a part of a key path: one entry of the calendar, counted from 1 (ja: 予定の1件目).
            said, step = notice("calendar entry %(number)s", number=after + 1), 2
        elif part == "announcements" and isinstance(after, int):
            # TRANSLATORS: a part of a key path: one announcement, counted from 1 (ja: お知らせの1件目).
            said, step = notice("announcement %(number)s", number=after + 1), 2
        elif part == "open" and path[0] == "calendar" and isinstance(after, str):
            # TRANSLATORS: a part of a key path: the special hours a calendar entry gives one desk.
            said, step = notice("special hours of desk %(id)s", id=after), 2
        elif isinstance(part, int):
            # TRANSLATORS: a part of a key path: one item of a list, counted from 1 (ja: 2つ目).
            said = notice("item %(number)s", number=part + 1)
        elif path[0] == "keys" and part in _KEY_FIELDS:
            said = _KEY_FIELDS[part]
        elif path[0] == "calendar" and part in _CALENDAR_FIELDS:
            said = _CALENDAR_FIELDS[part]
        else:
            said = _FIELDS.get(part, part)
        parts.append(in_locale(said, locale))
        i += step
    # TRANSLATORS: joins the parts of a key path in words, outer first (ja: の).
    return pnotice("where", " > ").render(locale).join(parts)


@dataclass
class Document:
    """Plain data from a YAML file, with the line of each key path (1-based)."""

    file: str
    data: object
    lines: dict[Path, int] = field(default_factory=dict)
    quoted: set[Path] = field(default_factory=set)
    written: dict[Path, str] = field(default_factory=dict)  # values not read as text, as written (12:30 for 750)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """The line of a key path, or of its nearest ancestor the file has."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path: Path, message: str) -> Problem:
        """Record a problem at a key path."""
        found = Problem(self.file, self.line(path), tuple(path), message)
        self.problems.append(found)
        return found


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def too_large(size: int) -> str:
    """Why a file of `size` bytes is refused."""
    # TRANSLATORS: a routes file that is too big is refused; sizes in bytes with thousands separators.
    return notice("the file is %(size)s bytes; a routes file may be at most %(most)s bytes (1 MiB)",
                  size=format(size, ","), most=format(MAX_BYTES, ","))


def _screen(text: str, file: str) -> None:
    """Read the file's events once, refusing anchors, aliases, deep nesting and too many values.

    Raises _Refused with the line and key path of the first offence.
    """
    frames: list[list] = []  # per open collection: [path, is_mapping, expecting_key, key, index]
    values = 0
    for event in yaml.parse(text, Loader=LOADER):
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                frames.pop()
            continue
        values += 1
        path: Path = ()
        key_node = False
        if frames:
            top = frames[-1]
            if top[1] and top[2]:
                key_node = True
                path = top[0]
                top[2] = False
                top[3] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            elif top[1]:
                path = (*top[0], top[3])
                top[2] = True
            else:
                path = (*top[0], top[4])
                top[4] += 1
        line = event.start_mark.line + 1

        def refuse(message: Notice) -> None:
            raise _Refused(Problem(file, line, path, message))

        if isinstance(event, yaml.AliasEvent):
            # TRANSLATORS: YAML's *name (an alias) is refused; name is what the file wrote after *.
            refuse(notice("an alias (*%(name)s) repeats another part of the file; anchors and "
                          "aliases are not allowed in routes.yaml: write the value out in full",
                          name=event.anchor))
        if event.anchor is not None:
            # TRANSLATORS: YAML's &name (an anchor) is refused; name is what the file wrote after &.
            refuse(notice("an anchor (&%(name)s) names a part of the file for aliases; anchors and "
                          "aliases are not allowed in routes.yaml: write the value out in full",
                          name=event.anchor))
        if key_node and not isinstance(event, yaml.ScalarEvent):
            # TRANSLATORS: a YAML key written as a list or a mapping ([…] or {…}).
            refuse(notice("a key must be text, not a list or a mapping"))
        if values > MAX_VALUES:
            # TRANSLATORS: the file has too many keys and values in all; most is e.g. 5,000.
            refuse(notice("more than %(most)s keys and values; routes.yaml needs far fewer",
                          most=format(MAX_VALUES, ",")))
        if isinstance(event, yaml.CollectionStartEvent):
            if len(frames) >= MAX_DEPTH:
                # TRANSLATORS: lists and mappings inside each other too many levels deep.
                refuse(notice("lists and mappings are nested more than %(most)s deep", most=MAX_DEPTH))
            frames.append([path, isinstance(event, yaml.MappingStartEvent), True, None, 0])


# The YAML parser's commonest reasons, so they can be said in the operators' language.
_YAML_REASONS = {
    # TRANSLATORS: YAML parser: a list in [ ] is not closed or lacks a comma.
    "did not find expected ',' or ']'": pnotice("yaml", "did not find expected ',' or ']'"),
    # TRANSLATORS: YAML parser: a mapping in { } is not closed or lacks a comma.
    "did not find expected ',' or '}'": pnotice("yaml", "did not find expected ',' or '}'"),
    # TRANSLATORS: YAML parser: a line is indented wrongly, so no key is found where one must be.
    "did not find expected key": pnotice("yaml", "did not find expected key"),
    # TRANSLATORS: YAML parser: a list's items must each start with "- " at the same indentation.
    "did not find expected '-' indicator": pnotice("yaml", "did not find expected '-' indicator"),
    # TRANSLATORS: YAML parser: a value is missing after a key or a "- ".
    "did not find expected node content": pnotice("yaml", "did not find expected node content"),
    # TRANSLATORS: YAML parser: a key is not followed by ":".
    "could not find expected ':'": pnotice("yaml", "could not find expected ':'"),
    # TRANSLATORS: YAML parser: a second ":" on one line (write the value in quotes).
    "mapping values are not allowed in this context": pnotice(
        "yaml", "mapping values are not allowed in this context"),
    # TRANSLATORS: YAML parser: "- " where a list cannot start.
    "block sequence entries are not allowed in this context": pnotice(
        "yaml", "block sequence entries are not allowed in this context"),
    # TRANSLATORS: YAML parser: a tab, or a character such as @ or ` that YAML reserves, starts a value.
    "found character that cannot start any token": pnotice(
        "yaml", "found character that cannot start any token"),
    # TRANSLATORS: YAML parser: the file ends inside quotes or brackets.
    "found unexpected end of stream": pnotice("yaml", "found unexpected end of stream"),
    # TRANSLATORS: YAML parser: a backslash in "…" that YAML does not know.
    "found unknown escape character": pnotice("yaml", "found unknown escape character"),
    # TRANSLATORS: YAML parser: a line is indented with a tab; YAML indents with spaces only.
    "found a tab character that violates indentation": pnotice(
        "yaml", "found a tab character that violates indentation"),
    # TRANSLATORS: YAML parser: a line of three hyphens (---) splits the file in two documents.
    "but found another document": pnotice("yaml", "but found another document"),
    # TRANSLATORS: YAML parser: a line of three dots (...) ends the file, and more follows it.
    "did not find expected <document start>": pnotice("yaml", "did not find expected <document start>"),
    # TRANSLATORS: YAML parser: a value starts with * or & (YAML's alias and anchor marks).
    "did not find expected alphabetic or numeric character": pnotice(
        "yaml", "did not find expected alphabetic or numeric character"),
    # TRANSLATORS: YAML parser: a value starts with ! (YAML's tag mark).
    "did not find expected whitespace or line break": pnotice(
        "yaml", "did not find expected whitespace or line break"),
    # TRANSLATORS: YAML parser: a line starts with % (YAML's directive mark).
    "found unknown directive name": pnotice("yaml", "found unknown directive name"),
}
# Reasons whose line says it all: the line where the part began is not added (for another
# document, it is the top of the file).
_WHOLE_REASONS = {"but found another document"}
_TAB = _YAML_REASONS["found a tab character that violates indentation"]


def yaml_reason(reason: str) -> str:
    """The parser's reason, as a Notice where it is one of the commonest."""
    return _YAML_REASONS.get(reason, reason)


# A full-width space (U+3000, 全角スペース) or a full-width colon (：) where YAML needs a half-width
# one: the parser would take it for text and give a misleading reason, or none.
_KEY = r"""(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_]+)"""
_STRUCTURE = re.compile(rf"-|{_KEY}[ \u3000]*:")  # what an indentation comes before: a list item or a key
_FULL_WIDTH_AFTER = re.compile(rf"(?:^[ ]*(?:-[ ]+)?|[{{,][ ]*)({_KEY}:|-)\u3000")
_FULL_WIDTH_COLON = re.compile(rf"(?:^[ ]*(?:-[ ]+)?|[{{,][ ]*)({_KEY})[ \u3000]*：")
_BLOCK_SCALAR = re.compile(r"(?:^[ ]*-|:)[ ]+[|>][-+0-9]*[ ]*(?:#.*)?$")


def _full_width(text: str, file: str) -> Problem | None:
    """The first line that indents with a full-width space, has one after a key's colon or a
    list's "-", or a full-width colon after a key; text inside | and > blocks is left alone."""
    block = None  # the indentation of the key whose | or > block is being read
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip(" \u3000") or indent > block):
            continue
        block = None
        content = line.lstrip(" \u3000")
        if content.startswith("#"):
            continue
        if _BLOCK_SCALAR.search(line):
            block = indent
        if "\u3000" in line[:len(line) - len(content)] and _STRUCTURE.match(content):
            # TRANSLATORS: a line of routes.yaml indented with full-width spaces (全角スペース).
            message = notice("line indented with a full-width space (U+3000); indent with half-width "
                             "spaces only")
        elif (found := _FULL_WIDTH_AFTER.search(line)) and found[1] == "-":
            # TRANSLATORS: a full-width space (全角スペース) right after the "-" of a list's item.
            message = notice("a full-width space after a list's \"-\" (U+3000); write a half-width "
                             "space there")
        elif found:
            # TRANSLATORS: a full-width space (全角スペース) right after a key's colon; key is the key
            # with its colon, e.g. phone:.
            message = notice("a full-width space after the colon of %(key)s (U+3000); write a "
                             "half-width space there", key=found[1])
        elif found := _FULL_WIDTH_COLON.search(line):
            # TRANSLATORS: a key followed by a full-width colon (：) instead of a half-width one.
            message = notice("a full-width colon (：) after %(key)s; write a half-width colon followed "
                             "by a space instead", key=found[1])
        else:
            continue
        return Problem(file, number, (), message)
    return None


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    """What the YAML parser found wrong, in the operators' words where it is a common mistake."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    said = getattr(exc, "problem", None) or str(exc)
    reason = yaml_reason(said)
    context = getattr(exc, "context_mark", None)
    lines = text.splitlines()
    here = lines[line - 1] if mark and line <= len(lines) else ""
    column = mark.column if mark else 0
    before = here[:column].rstrip()
    if here[column:column + 1] == "\t":  # libyaml and PyYAML say it otherwise in some places
        reason = _TAB
    elif said.startswith("mapping values are not allowed"):
        reason, context = _colon_reason(reason, lines, line, column), None
    elif said == "did not find expected key" and before[-1:] in ('"', "'"):
        # TRANSLATORS: YAML parser: a line goes on after the closing quote of its value, e.g.
        # phone: "03-5974-0068" 代表; quote is the closing quote.
        reason, context = notice("the value goes on after its closing %(quote)s on this line: put "
                                 "the whole value inside the quotes", quote=before[-1]), None
    elif (said == "did not find expected key" and (above := _line_above(lines, line))
          and _KEY_LINE.match(here) and _KEY_LINE.match(lines[above - 1])
          and _indent(here) != _indent(lines[above - 1])):
        # TRANSLATORS: YAML parser: two keys one above the other start in different columns (one
        # space too many or too few); line is the line above.
        reason, context = notice("this line and line %(line)s above it are indented differently: keys "
                                 "side by side need the same indentation", line=above), None
    if said in _WHOLE_REASONS:
        context = None
    if context is not None and context.line + 1 != line:
        # TRANSLATORS: the YAML parser's reason, then the line where the unfinished part began.
        message = notice("not valid YAML: %(reason)s (in what starts on line %(start)s)",
                         reason=reason, start=context.line + 1)
    else:
        # TRANSLATORS: the YAML parser's reason why the file cannot be read.
        message = notice("not valid YAML: %(reason)s", reason=reason)
    return Problem(file, line, (), message)


_KEY_LINE = re.compile(rf" *{_KEY} *:( |$)")


def _line_above(lines: list[str], line: int) -> int | None:
    """The number of the nearest line above with something other than a comment on it."""
    return next((n for n in range(line - 1, 0, -1)
                 if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), None)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _colon_reason(reason: str, lines: list[str], line: int, column: int) -> str:
    """Why YAML finds a ":" it cannot read: a second one on the line (the value needs quotes), or,
    far more often, a line it reads as the rest of the value above it."""
    here = lines[line - 1] if line <= len(lines) else ""
    if re.search(r":( |$)", here[:column]):
        return reason  # two colons on the line
    above = _line_above(lines, line)
    if above is None:
        return reason
    if _indent(here) > _indent(lines[above - 1]):
        # TRANSLATORS: YAML parser: a line indented deeper than the key above it, so it is read as
        # the rest of that key's value; line is the line above.
        return notice("this line is indented more than line %(line)s above it, so it is read as the "
                      "rest of that line's value: indent it as the keys beside it", line=above)
    # TRANSLATORS: YAML parser: a line read as the rest of the value above it: the key above may
    # lack its ": " (a colon and a space), or the lines are indented wrongly; line is the line above.
    return notice("this line is read as the rest of the value on line %(line)s: check that the key "
                  "there has a colon and a space after it, and how the two lines are indented", line=above)


def read_yaml(text: str, file: str) -> Document:
    """Parse YAML text; syntax errors, duplicate or non-text keys and unsafe files become problems."""
    doc = Document(file, None)
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        doc.problems.append(Problem(file, 1, (), too_large(len(text.encode("utf-8")))))
        return doc
    full_width = _full_width(text, file)
    if full_width is not None:
        doc.problems.append(full_width)
        return doc
    try:
        _screen(text, file)
        root = yaml.compose(text, Loader=LOADER)
    except _Refused as refused:
        doc.problems.append(refused.problem)
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(_syntax_problem(exc, text, file))
        return doc
    if root is None:
        # TRANSLATORS: routes.yaml has nothing in it.
        doc.problems.append(Problem(file, 1, (), notice("the file is empty")))
        return doc
    # Scalars other than text (numbers, true/false) are built by a constructor of this call's own.
    doc.data = _convert(root, (), doc, yaml.SafeLoader(""))
    return doc


def _convert(node: yaml.Node, path: Path, doc: Document, scalars: yaml.SafeLoader) -> object:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR_TAG:
                shown = getattr(key_node, "value", "?")
                doc.problems.append(Problem(
                    doc.file, line, (*path, str(shown)),
                    # TRANSLATORS: a key YAML read as a number or true/false, e.g. 2: instead of "2":.
                    notice("key %(key)s must be text: write it in quotes, \"%(key)s\":", key=shown),
                ))
                continue
            key = key_node.value
            child = (*path, key)
            if key in out:
                doc.problems.append(Problem(
                    doc.file, line, child,
                    # TRANSLATORS: the same key twice in one mapping; first is the line of the first.
                    notice("key '%(key)s' is used twice (first on line %(first)s)",
                           key=key, first=doc.lines[child]),
                ))
                continue
            doc.lines[child] = line
            if key_node.style in ("'", '"'):
                doc.quoted.add(child)
            out[key] = _convert(value_node, child, doc, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, scalars) for i, item in enumerate(node.value)]
    if node.tag == STR_TAG:
        return node.value
    doc.written[path] = node.value
    return scalars.construct_object(node, deep=True)
