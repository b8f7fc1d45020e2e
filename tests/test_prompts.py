"""System phrases live in the gettext catalogs, translated, with translator comments."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ivr.core.wording import catalog_path

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"gettext": None, "pgettext": ((1, "c"), 2)}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted():
    found = {}
    for _file, _line, message, comments, context in extract_from_dir(
        ROOT / "ivr", method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        found[(context, message)] = comments
    return found


def catalog(path):
    with open(path, "rb") as handle:
        return {(m.context, m.id): m for m in read_po(handle) if m.id}


def test_every_phrase_in_the_code_has_a_translator_comment():
    messages = extracted()
    assert len(messages) > 30
    missing = [key for key, comments in messages.items() if not comments]
    assert missing == []


def test_japanese_catalog_translates_every_phrase_with_the_same_placeholders():
    japanese = catalog(catalog_path("ja"))
    for key in extracted():
        entry = japanese.get(key)
        assert entry is not None, f"{key} is not in the Japanese catalog"
        assert entry.string and not entry.fuzzy, f"{key} is not translated"
        assert set(PLACEHOLDER.findall(entry.id)) == set(PLACEHOLDER.findall(entry.string)), key


def test_template_matches_the_code():
    template = catalog(ROOT / "prompts" / "messages.pot")
    assert set(template) == set(extracted()), "run pybabel extract (see docs/architecture.md) to refresh messages.pot"


def test_no_japanese_is_hard_coded_in_the_package():
    for path in (ROOT / "ivr").rglob("*.py"):
        if path.name == "understanding.py":  # the analyser's part-of-speech names and stop words: never spoken
            continue
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not JAPANESE.search(node.value), (path.name, node.value)
