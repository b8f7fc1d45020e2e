"""routes.yaml is loaded strictly, and every problem names its file, line and key path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivr.routesfile.loader import RoutesError, load_routes, parse_routes
from ivr.routesfile.reader import format_path

ERRORS = Path(__file__).parent / "routes_errors"
EXPECT = re.compile(r"^# expect: (\d+): (.*?): (.*)$")


def broken_files():
    return sorted(p for p in ERRORS.glob("*.yaml") if p.name != "valid.yaml")


@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_each_error_kind_names_its_line_and_key(path):
    line, key_path, message = EXPECT.match(path.read_text("utf-8").splitlines()[0]).groups()
    with pytest.raises(RoutesError) as caught:
        load_routes(path)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.line == int(line)
    assert format_path(problem.path) == key_path
    assert message.strip() in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")


def test_the_fixture_base_is_valid():
    routes = load_routes(ERRORS / "valid.yaml")
    assert set(routes.desks) == {"center", "hotline"}


def test_shipped_routes_load(routes):
    assert set(routes.menus) == {"top", "ads", "abuse", "billing"}
    assert routes.voice == "Polly.Mizuki"
    assert routes.desks["center"].phone.e164 == "+81359740068"
    assert routes.desks["center"].transfer is True


def test_every_problem_is_reported_not_just_the_first():
    text = (ERRORS / "valid.yaml").read_text("utf-8")
    text = text.replace("desk: hotline}", "desk: nowhere}").replace('"03-5974-0068"', '"03-1"')
    with pytest.raises(RoutesError) as caught:
        parse_routes(text, "two.yaml")
    assert [p.line for p in caught.value.problems] == [8, 27]
    assert "two.yaml:8: desks.center.phone:" in str(caught.value)


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(RoutesError) as caught:
        load_routes(tmp_path / "nope.yaml")
    assert "cannot be read" in str(caught.value)


def test_numbers_in_texts_are_checked_and_read(routes):
    police = routes.desks["police"]
    assert [part.written for note in police.notes for part in note if not isinstance(part, str)] == ["110"]


def test_guides_lunchtime_is_twelve_thirty(routes):
    span = routes.desks["jiaa"].hours.spans
    assert [(s.start, s.end) for s in span] == [(12 * 60 + 30, 16 * 60)]
    comment = Path(__file__).parent.parent.joinpath("routes.yaml").read_text("utf-8")
    assert re.search(r"#.*午前12時30分.*12:30", comment), "routes.yaml must say how the guide's time is read"


def test_folded_japanese_text_has_no_stray_spaces(routes):
    about = "".join(p for p in routes.desks["info"].about if isinstance(p, str))
    assert " " not in about


def schema_keys(node) -> set[str]:
    """Every property name the JSON Schema allows, anywhere."""
    found = set()
    if isinstance(node, dict):
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= schema_keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= schema_keys(value)
    return found


def loader_keys() -> set[str]:
    """Every key the loader reads: data["x"], data.get("x"), "x" in data."""
    import ast

    tree = ast.parse(Path(__file__).parent.parent.joinpath("ivr", "routesfile", "loader.py").read_text("utf-8"))
    readers = [f for f in tree.body if isinstance(f, ast.FunctionDef)
               and f.name in ("_build", "_desk", "_menu", "_hours", "_calendar")]
    assert len(readers) == 5
    found = set()
    for node in (n for f in readers for n in ast.walk(f)):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            found.add(node.slice.value)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
        elif (isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In)
              and isinstance(node.left, ast.Constant)):
            found.add(node.left.value)
    return {k for k in found if isinstance(k, str)}


def test_schema_and_loader_agree():
    from ivr.routesfile.loader import schema

    # "top" is read through TOP_MENU; "version" is fully checked by the schema's const.
    allowed = schema_keys(schema()) - {"top", "version"}
    read = loader_keys()
    input_and_keys = set(schema()["$defs"]["input"]["properties"]) | set(schema()["$defs"]["keys"]["properties"])
    assert allowed - read - input_and_keys == set(), "the schema allows keys the loader ignores"
    assert read - allowed - {"holidays", "year_end"} == set(), "the loader reads keys the schema refuses"


def test_input_and_keys_sections_map_onto_their_settings():
    """These two sections are passed whole to dataclasses: their fields must be the schema's."""
    from dataclasses import fields

    from ivr.core.routes import InputSettings, Keys
    from ivr.routesfile.loader import schema

    assert {f.name for f in fields(InputSettings)} == set(schema()["$defs"]["input"]["properties"])
    assert {f.name for f in fields(Keys)} == set(schema()["$defs"]["keys"]["properties"])


def test_reading_a_file_keeps_nothing_of_it_afterwards(monkeypatch):
    """Each read builds its values with its own constructor: no node outlives the read."""
    import gc
    import weakref

    import yaml

    from ivr.routesfile import reader

    nodes = []
    compose = yaml.compose

    def watched(*args, **kwargs):
        root = compose(*args, **kwargs)
        todo = [root]
        while todo:
            node = todo.pop()
            nodes.append(weakref.ref(node))
            if isinstance(node, yaml.MappingNode):
                todo.extend(n for pair in node.value for n in pair)
            elif isinstance(node, yaml.SequenceNode):
                todo.extend(node.value)
        return root

    monkeypatch.setattr(reader.yaml, "compose", watched)
    doc = reader.read_yaml("a: 1\nb: [true, 2.5, null, text]\n", "t.yaml")
    assert doc.data == {"a": 1, "b": [True, 2.5, None, "text"]}
    gc.collect()
    assert len(nodes) == 9 and [n for n in nodes if n() is not None] == []
