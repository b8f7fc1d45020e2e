"""routes.yaml's data against schema.json, each schema error said in an operator's words.

jsonschema finds what breaks the schema; EXPLANATIONS, a table, says it. A row names the schema
keyword that failed and, where that is not enough, the keyword's value in the schema (a type, a
pattern) or the shape of the key path it failed at (`...` standing for any one key or index);
its `says` builds the message from the error. The first row that fits speaks; an error that no
row fits is said in the schema checker's own words. Each row is what some file in
tests/routes_errors/ breaks, so a row that nothing reaches fails the tests.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import jsonschema
import yaml
from jsonschema import ValidationError

from ..core.notices import notice, pnotice
from .reader import Document, Path

MAX_PROBLEMS = 50  # schema problems reported at once: a file far from valid needs fixing first


@cache
def schema() -> dict:
    """The JSON Schema that routes.yaml must satisfy."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))


def check_schema(doc: Document) -> None:
    """Note a problem in `doc` for each way its data breaks the schema."""
    for error, path in schema_errors(doc.data):
        doc.problem(path, explain(error, path, doc.written))


def schema_errors(data: object) -> list[tuple[ValidationError, Path]]:
    """The first MAX_PROBLEMS schema errors in key path order, each with the key path it points at."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = itertools.islice(validator.iter_errors(data), MAX_PROBLEMS)
    return [(error, _where(error)) for error in sorted(errors, key=lambda e: list(map(str, e.path)))]


def _where(error: ValidationError) -> Path:
    """The key path of the value at fault; for an unknown key, the key itself."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        return (*path, _unknown_keys(error)[0])
    if error.validator == "uniqueItems":
        return (*path, _repeated(error.instance))
    return path


def _repeated(items: list) -> int:
    """The index of the first item of a list that an earlier one repeats."""
    return next(i for i, item in enumerate(items)
                if any(item == seen and type(item) is type(seen) for seen in items[:i]))


@dataclass(frozen=True)
class Explanation:
    """One row of EXPLANATIONS: the schema errors it fits, and what it says about one."""

    keywords: tuple[str, ...]  # the schema keywords (jsonschema's `validator`) it fits
    says: Callable[[ValidationError], str]
    value: object = None  # the keyword's value in the schema, where the row is for one value only
    at: Path | None = None  # the shape of the key path, where the row is for one place only

    def fits(self, error: ValidationError, path: Path) -> bool:
        return (error.validator in self.keywords
                and (self.value is None or error.validator_value == self.value)
                and (self.at is None or _shaped(path, self.at)))


def _shaped(path: Path, shape: Path) -> bool:
    return len(path) == len(shape) and all(s is ... or s == p for p, s in zip(path, shape, strict=True))


def explanation_for(error: ValidationError, path: Path) -> Explanation | None:
    """The first row of EXPLANATIONS that fits the error, if any."""
    return next((row for row in EXPLANATIONS if row.fits(error, path)), None)


def explain(error: ValidationError, path: Path, written: Mapping[Path, str] | None = None) -> str:
    """What is wrong in an operator's words, and what would be valid; `written` holds the values
    YAML did not read as text as the file writes them (12:30, which YAML reads as 750), to show."""
    error.written = (written or {}).get(tuple(error.absolute_path))
    row = explanation_for(error, path)
    if row is None:
        # TRANSLATORS: any other way a value breaks routes.yaml's rules, in the schema checker's own words.
        return pnotice("schema", "%(detail)s", detail=error.message)
    return row.says(error)


def _value(error: ValidationError) -> str:
    """The value at fault as the file writes it: 'text', 12:30, yes, [mon, funday]."""
    written = getattr(error, "written", None)
    if error.instance is None and not written:
        # TRANSLATORS: a value left empty (nothing after the key's colon), shown where a value is said.
        return pnotice("value", "an empty value")
    if written is not None:
        return written
    if isinstance(error.instance, str):
        return f"'{error.instance}'"
    return _yaml(error.instance)


def _text_needed(error: ValidationError) -> str:
    """Text is needed where YAML read something else, or nothing."""
    written = getattr(error, "written", None)
    if error.instance is None and not written:
        # TRANSLATORS: nothing is written after a key's colon where a text is needed.
        return notice("nothing is written here; write the text after the colon")
    # TRANSLATORS: YAML read a value as a number, true/false or a date where text is needed; instance
    # is the value as the file writes it (12:30), value what YAML read (750).
    return notice("must be text in quotes, e.g. \"%(instance)s\" (YAML read %(value)s)",
                  instance=written or _yaml(error.instance), value=_read(error.instance))


def _read(value: object) -> object:
    """A value YAML read, in YAML's words: true, 750, or a date (said in the operators' locale)."""
    return value if isinstance(value, date) else _yaml(value)


def _yaml(value: object) -> str:
    """A value as YAML writes it on one line: true, 750, [holidays, sundays], {center: x}."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=float("inf")).removesuffix("\n").removesuffix("\n...")


def _allowed_keys(error: ValidationError) -> list[str]:
    return sorted(error.schema.get("properties", {}))


def _unknown_keys(error: ValidationError) -> list[str]:
    return sorted(set(error.instance) - set(_allowed_keys(error)))


def _count(number: int) -> str:
    """A count with thousands separators: 1,000."""
    return format(number, ",")


def _row(*keywords: str, says: Callable[[ValidationError], str], value: object = None,
         at: Path | None = None) -> Explanation:
    """A row of EXPLANATIONS; several keywords where they say the same thing."""
    return Explanation(keywords, says, value, at)


NAME = "^[a-z][a-z0-9_]*$"
PHONE_KEY = "^[0-9*#]$"
SPAN = "^[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$"
WEB_ADDRESS = "^https://[!-~]+$"
DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MENU_KEY = "^[a-z][a-z0-9_]*/[0-9*#]$"

EXPLANATIONS: tuple[Explanation, ...] = (
    # TRANSLATORS: a key routes.yaml does not have (often misspelt); allowed lists the keys valid there.
    _row("additionalProperties", says=lambda e: notice("unknown key %(keys)s; allowed: %(allowed)s",
                                                       keys=[repr(k) for k in _unknown_keys(e)],
                                                       allowed=_allowed_keys(e))),
    # TRANSLATORS: a key that must be given here is missing; key is its name in quotes, e.g. 'top'.
    _row("required", says=lambda e: notice("missing %(key)s", key=e.message.split(" is a required")[0])),

    # A value of the wrong kind.
    _row("type", value="string", says=_text_needed),
    # TRANSLATORS: a value that must be true or false.
    _row("type", value="boolean", says=lambda e: notice("must be true or false, not %(value)s", value=_value(e))),
    # TRANSLATORS: a value that must be a whole number, e.g. a timeout in seconds.
    _row("type", value="integer", says=lambda e: notice("must be a whole number, not %(value)s", value=_value(e))),
    # TRANSLATORS: a value that must be a number, e.g. 0.4.
    _row("type", value="number", says=lambda e: notice("must be a number, not %(value)s", value=_value(e))),
    # TRANSLATORS: a value that must be a set of keys (a YAML mapping).
    _row("type", value="object", says=lambda e: notice("must be a set of keys, not %(value)s", value=_value(e))),
    # TRANSLATORS: a value that must be a list.
    _row("type", value="array", says=lambda e: notice("must be a list, not %(value)s", value=_value(e))),

    # A text not in its form.
    # TRANSLATORS: an id (of a desk or a menu) written with other characters than a-z, 0-9 and _.
    _row("pattern", value=NAME, says=lambda e: notice("%(value)s is not in the form of a name in lower-case "
                                                      "letters, digits and _ (e.g. center)", value=_value(e))),
    # TRANSLATORS: a menu's key must be one phone key in quotes.
    _row("pattern", value=PHONE_KEY, says=lambda e: notice("%(value)s is not in the form of one phone key, in "
                                                           "quotes (\"0\" … \"9\", \"*\" or \"#\")",
                                                           value=_value(e))),
    # TRANSLATORS: an opening span must be written like "10:00-12:00", in half-width characters.
    _row("pattern", value=SPAN, says=lambda e: notice("%(value)s is not in the form HH:MM-HH:MM "
                                                      "(e.g. \"10:00-12:00\")", value=_value(e))),
    # TRANSLATORS: a desk's web page must be a https:// address.
    _row("pattern", value=WEB_ADDRESS, says=lambda e: notice("%(value)s is not in the form of a web address "
                                                             "starting with https:// "
                                                             "(e.g. https://www.example.jp/soudan/)",
                                                             value=_value(e))),
    # TRANSLATORS: a date must be written like "2026-12-28", in quotes.
    _row("pattern", value=DATE, says=lambda e: notice("%(value)s is not in the form YYYY-MM-DD, in quotes "
                                                      "(e.g. \"2026-12-28\")", value=_value(e))),
    # TRANSLATORS: a question's choice must name a menu and a key, like "billing/1", in quotes.
    _row("pattern", value=MENU_KEY, says=lambda e: notice("%(value)s is not in the form menu/key, in quotes "
                                                          "(e.g. \"billing/1\")", value=_value(e))),

    # One of several ways of writing a thing, said by where it is.
    # TRANSLATORS: a desk's hours: either days, open and closed together, or varies alone.
    _row("oneOf", at=("desks", ..., "hours"), says=lambda e: notice("give days, open and closed, or varies "
                                                                    "on its own")),
    # TRANSLATORS: days of the week are written mon, tue, … sun, or as a range like mon-fri.
    _row("oneOf", at=("desks", ..., "hours", "days"), says=lambda e: notice("%(value)s is not a day (mon … sun), "
                                                                            "a range such as mon-fri, or a list "
                                                                            "of days", value=_value(e))),
    # TRANSLATORS: a menu's choice leads either to a desk or to another menu, never both or neither.
    _row("oneOf", at=("menus", ..., "options", ...), says=lambda e: notice("give exactly one of desk or menu")),
    # TRANSLATORS: a calendar entry has one date or a list of dates, not both.
    _row("oneOf", at=("calendar", ...), says=lambda e: notice("give either date or dates")),
    # TRANSLATORS: a calendar entry must close desks, give special hours, or both.
    _row("anyOf", at=("calendar", ...), says=lambda e: notice("give closed (desk ids, or all), open (special "
                                                              "hours), or both")),
    # TRANSLATORS: a calendar entry's closed: is the word all or a list of desk ids.
    _row("oneOf", at=("calendar", ..., "closed"), says=lambda e: notice("%(value)s is neither all nor a list "
                                                                        "of desk ids", value=_value(e))),
    # TRANSLATORS: an announcement's where: is the word greeting or a list of desk ids.
    _row("oneOf", at=("announcements", ..., "where"), says=lambda e: notice("%(value)s is neither greeting nor "
                                                                            "a list of desk ids", value=_value(e))),

    # A value out of its bounds.
    # TRANSLATORS: a value that can only be one thing, e.g. the file's version.
    _row("const", says=lambda e: notice("must be %(value)s", value=e.validator_value)),
    # TRANSLATORS: a text that is too long; counts of characters with thousands separators.
    _row("maxLength", says=lambda e: notice("is %(length)s characters long; at most %(most)s",
                                            length=_count(len(e.instance)), most=_count(e.validator_value))),
    # TRANSLATORS: a list with too many items.
    _row("maxItems", says=lambda e: notice("has %(count)s items; at most %(most)s",
                                           count=_count(len(e.instance)), most=_count(e.validator_value))),
    # TRANSLATORS: a mapping with too many entries (e.g. too many desks).
    _row("maxProperties", says=lambda e: notice("has %(count)s entries; at most %(most)s",
                                                count=_count(len(e.instance)), most=_count(e.validator_value))),
    # TRANSLATORS: a number below the least allowed, e.g. a timeout of 2 seconds where 3 is the least.
    _row("minimum", says=lambda e: notice("%(value)s is less than the minimum of %(least)s", value=_value(e),
                                          least=e.validator_value)),
    # TRANSLATORS: a number above the most allowed.
    _row("maximum", says=lambda e: notice("%(value)s is greater than the maximum of %(most)s", value=_value(e),
                                          most=e.validator_value)),
    # TRANSLATORS: an empty text, list or mapping where something must be written.
    _row("minItems", "minLength", "minProperties", says=lambda e: notice("%(value)s should be non-empty",
                                                                         value=_value(e))),
    # TRANSLATORS: a list that has the same item twice (a phrase in says:, a desk in closed:); the
    # key path points at its second place.
    _row("uniqueItems", says=lambda e: notice("'%(item)s' is listed more than once",
                                              item=e.instance[_repeated(e.instance)])),
    # TRANSLATORS: a value that is not one of the few allowed; allowed lists them.
    _row("enum", says=lambda e: notice("%(value)s is not one of %(allowed)s", value=_value(e),
                                       allowed=list(e.validator_value))),
)
