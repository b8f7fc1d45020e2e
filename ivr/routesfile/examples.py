"""Callers' example sentences, each with the desk that helps them: read, checked and indexed.

`examples.tsv` (shipped in this package) has a first line `words<TAB>desk`, then one example a
line: what a caller said, a tab, and the id of the desk in routes.yaml. Its rows are the dev sets'
callers' words (tests/callers_paraphrases*.tsv and ../shared/callers/utterances.tsv; the first
desk each row accepts), never the held-out sets. The flow compares words its rules do not place
with them (`ivr.core.nearest`) and asks the caller whether the nearest desk's topic is meant; an
example whose desk no option leads to is ignored, so menus may change without this file.

The file is read as untrusted input, like routes.yaml (`file.py`), and every row is checked: a
bad row is a RoutesError naming its line, and the line keeps serving what it served.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from ..core.caches import EXAMPLE_SETS
from ..core.nearest import MAX_HEARD, Example, Examples, Likeliest
from ..core.notices import notice
from .file import read_routes_text
from .likeliest import LIKELIEST, load_likeliest
from .reader import Problem, RoutesError

EXAMPLES = Path(__file__).with_name("examples.tsv")
HEADER = ("words", "desk")
_DESK = re.compile(r"[a-z][a-z0-9_]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_examples(path: str | Path = EXAMPLES, weights: str | Path | None = LIKELIEST) -> Examples:
    """The examples in a file, their n-grams worked out, with the regression in `weights`
    (likeliest.py; none if None); RoutesError naming every bad row, or the weights file."""
    text = read_routes_text(path)
    return parse_examples(text, str(path), None if weights is None else load_likeliest(weights))


def parse_examples(text: str, file: str = "examples.tsv", likeliest: Likeliest | None = None) -> Examples:
    """The examples in text already read (named `file` in problems), with the regression."""
    examples, problems = _parsed(text, likeliest)
    if problems:
        raise RoutesError([Problem(file, line, (), message) for line, message in problems])
    return examples


@lru_cache(maxsize=EXAMPLE_SETS)
def _parsed(text: str, likeliest: Likeliest | None) -> tuple[Examples, tuple[tuple[int, str], ...]]:
    """The examples in a text, indexed, and each bad row's line and problem; kept for the next
    load of the same text (caches.py says why)."""
    problems: list[tuple[int, str]] = []
    examples: list[Example] = []
    first: dict[str, tuple[str, int]] = {}  # words → (desk, line) where first given
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = tuple(lines[0].rstrip("\r").split("\t")) if lines else ()
    if header != HEADER:
        # TRANSLATORS: the examples file's first line must name its columns; expected and found
        # are the column names, e.g. words, desk.
        problems.append((1, notice("the first line must name the columns %(expected)s, not %(found)s",
                                   expected=list(HEADER), found=list(header))))
    for number, line in enumerate(lines[1:], start=2):
        fields = line.rstrip("\r").split("\t")
        problem = _row_problem(fields)
        if problem is None:
            words, desk = fields
            earlier = first.setdefault(words, (desk, number))
            if earlier[0] != desk:
                # TRANSLATORS: the same example words are given twice with different desks; desk and
                # other are desk ids, line is the number of the earlier line.
                problem = notice("these words are given for desk %(desk)s here and for %(other)s on "
                                 "line %(line)s", desk=desk, other=earlier[0], line=earlier[1])
            elif earlier[1] == number:
                examples.append(Example(words, desk))
        if problem is not None:
            problems.append((number, problem))
    if problems:
        return Examples(()), tuple(problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if likeliest is not None:
        digest += f"+{likeliest.trained_on}"
    return Examples(examples, digest, likeliest), ()


def _row_problem(fields: list[str]) -> str | None:
    """What is wrong with one row's fields, or None."""
    if len(fields) != len(HEADER):
        # TRANSLATORS: a row of the examples file must be the words, a tab, then a desk id;
        # found is how many tab-separated columns the row has.
        return notice("a row is the words, a tab and a desk id: 2 columns, not %(found)s",
                      found=len(fields))
    words, desk = fields
    if not words.strip():
        # TRANSLATORS: a row of the examples file has no words before its desk id.
        return notice("the words are empty")
    if len(words) > MAX_HEARD:
        # TRANSLATORS: a row's words are longer than the part of what a caller says that is compared.
        return notice("the words are %(length)s characters long; at most %(limit)s are compared",
                      length=len(words), limit=MAX_HEARD)
    if _CONTROL.search(words):
        # TRANSLATORS: a row's words contain a control character (other than the tab between columns).
        return notice("the words contain a control character")
    if not _DESK.fullmatch(desk):
        # TRANSLATORS: the second column of a row must be a desk's id as routes.yaml writes it.
        return notice("%(desk)s is not a desk id (lower-case letters, digits and _, as in routes.yaml)",
                      desk=repr(desk))
    return None
