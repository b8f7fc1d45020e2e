"""routes.yaml is loaded strictly, and every problem names its file, line and key path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROUTES

from ivr.routesfile.loader import RoutesError, load_routes, parse_routes
from ivr.routesfile.reader import format_path, read_yaml
from ivr.routesfile.validation import EXPLANATIONS, explain, explanation_for, schema_errors

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


def test_every_explanation_of_a_schema_error_is_reached_by_an_example_file():
    """Each row of the table that says schema errors in an operator's words explains an error
    of some file above: a row that none reaches is dead, or its example file is missing."""
    reached = set()
    for path in broken_files():
        doc = read_yaml(path.read_text("utf-8"), str(path))
        if not doc.problems:
            reached |= {explanation_for(error, where) for error, where in schema_errors(doc.data)}
    assert None not in reached, "an example's schema error has no explanation of its own"
    assert [row for row in EXPLANATIONS if row not in reached] == []


def test_a_schema_error_without_an_explanation_is_said_in_the_checkers_words():
    import jsonschema

    error = next(jsonschema.Draft202012Validator({"multipleOf": 5}).iter_errors(12))
    assert explanation_for(error, ("input", "timeout")) is None
    assert explain(error, ("input", "timeout")) == "12 is not a multiple of 5"


def test_the_fixture_base_is_valid():
    routes = load_routes(ERRORS / "valid.yaml")
    assert set(routes.desks) == {"center", "hotline"}


def test_shipped_routes_load(routes):
    assert set(routes.menus) == {"top", "billing", "abuse", "scam"}
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
    lead = routes.menus["abuse"].option("4").lead
    assert [part.written for part in lead if not isinstance(part, str)] == ["110"]


def test_guides_lunchtime_is_twelve_thirty(routes):
    span = routes.desks["jiaa"].hours.spans
    assert [(s.start, s.end) for s in span] == [(12 * 60 + 30, 16 * 60)]
    comment = Path(__file__).parent.parent.joinpath("routes.yaml").read_text("utf-8")
    assert re.search(r"#.*午前12時30分.*12:30", comment), "routes.yaml must say how the guide's time is read"


def test_folded_japanese_text_has_no_stray_spaces(routes):
    about = "".join(p for p in routes.desks["police"].about if isinstance(p, str))
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


class Tracked(dict):
    """A mapping from routes.yaml that notes every key the loader looks up in it."""

    looked_up: set[str] = set()

    def __getitem__(self, key):
        Tracked.looked_up.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        Tracked.looked_up.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        Tracked.looked_up.add(key)
        return super().__contains__(key)


def tracked(node):
    if isinstance(node, dict):
        return Tracked({k: tracked(v) for k, v in node.items()})
    if isinstance(node, list):
        return [tracked(v) for v in node]
    return node


def keys_in(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found |= {key} | keys_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= keys_in(value)
    return found


def test_schema_and_loader_agree(monkeypatch):
    """Loading a file that uses every key the schema allows, the loader looks up each of them,
    and looks up no key the schema would refuse."""
    from ivr.routesfile import loader, validation

    text = ROUTES.read_text("utf-8").replace(
        "  billing:\n    options:\n", "  billing:\n    intro: 料金の請求についてです。\n    options:\n").replace(
        "        label: 身に覚えのない請求\n        desk: hotline\n",
        "        label: 身に覚えのない請求\n        desk: hotline\n        lead: ご相談はこちらです。\n").replace(
        '    phone: "03-5974-0068"\n', '    phone: "03-5974-0068"\n    url: https://www.dekyo.or.jp/soudan/\n')
    text = text.replace("\ncalendar: []\n", """
calendar:
  - date: "2026-12-08"
    closed: [center]
    say: 本日は臨時休業とさせていただいております。
  - dates: ["2026-12-24", "2026-12-25"]
    open: {center: ["10:00-11:00"]}
""").replace("\nannouncements: []\n", """
announcements:
  - from: "2026-12-01"
    until: "2026-12-31"
    say: 宅配業者を名乗る偽のショートメッセージにご注意ください。
    where: greeting
""")
    build = loader.build
    built = {}

    def watched(doc, source):
        doc.data = tracked(doc.data)
        Tracked.looked_up = set()
        routes = build(doc, source)
        built.update(data=doc.data, read=set(Tracked.looked_up))
        return routes

    monkeypatch.setattr(loader, "build", watched)
    routes = loader.parse_routes(text)
    assert routes.menus["billing"].intro and routes.menus["billing"].option("1").lead and routes.desks["center"].url
    schema = validation.schema()
    allowed = schema_keys(schema)
    input_and_keys = set(schema["$defs"]["input"]["properties"]) | set(schema["$defs"]["keys"]["properties"])
    used = keys_in(built["data"]) & allowed
    assert allowed - used <= input_and_keys, "the test file must use every key the schema allows"
    # "version" is checked whole by the schema's const; input and keys are passed whole to
    # their dataclasses (the next test).
    ignored = used - built["read"] - input_and_keys - {"version"}
    assert ignored == set(), "the schema allows keys the loader ignores"
    ids = set(routes.desks) | set(routes.menus) | {o.key for m in routes.menus.values() for o in m.options}
    assert built["read"] - allowed - ids == set(), "the loader reads keys the schema refuses"


def test_input_and_keys_sections_map_onto_their_settings():
    """These two sections are passed whole to dataclasses: their fields must be the schema's."""
    from dataclasses import fields

    from ivr.core.routes import InputSettings, Keys
    from ivr.routesfile.validation import schema

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


def test_an_address_said_as_words_needs_an_address():
    text = (ERRORS / "valid.yaml").read_text("utf-8")
    broken = text.replace("    name: 消費者ホットライン\n",
                          "    name: 消費者ホットライン\n    email_reading: インフォ、アット\n")
    with pytest.raises(RoutesError) as caught:
        parse_routes(broken, "words.yaml")
    assert "words.yaml:17: desks.hotline.email_reading: there is no email address to say" in str(caught.value)
    fine = broken.replace('    phone: "188"\n', '    phone: "188"\n    email: info@example.jp\n', 1)
    assert parse_routes(fine).desks["hotline"].email_reading == ("インフォ", "アット")


@pytest.mark.parametrize("written, problem", [
    ("03-5974-0068", None), ("03-3256-3344", None), ("0422-51-5131", None),  # Tokyo, Musashino
    ("0120-0-78310", None), ("0120-1-78302", None), ("0570-003-110", None),   # as published
    ("188", None), ("110", None), ("#9110", None),                              # short codes
    ("0359740068", "'0359740068' has no hyphens"),
    ("0120078310", "'0120078310' has no hyphens"),
    ("035-974-0068", "begins with 035, but its area code is 03: write it as 03-5974-0068"),
    ("042-251-5131", "begins with 042, but its area code is 0422: write it as 0422-51-5131"),
])
def test_numbers_are_grouped_as_callers_write_them_down(written, problem):
    from ivr.core.contacts import grouping_problem, parse_phone

    found = grouping_problem(parse_phone(written))
    assert found == problem if problem is None else problem in found


def test_a_phrase_twice_in_one_says_is_named_at_its_second_line():
    """Not the whole list (150 phrases, as Python would print it): the phrase, where it is again."""
    text = ROUTES.read_text("utf-8")
    marker = "               嫌がらせのメール, 嫌がらせを受けている,"
    assert marker in text
    broken = text.replace(marker, "               嫌がらせのメール, 中傷, 嫌がらせを受けている,", 1)
    with pytest.raises(RoutesError) as caught:
        parse_routes(broken, "routes.yaml")
    (problem,) = caught.value.problems
    assert problem.line == next(n for n, line in enumerate(broken.splitlines(), 1) if "メール, 中傷, " in line)
    assert problem.path[:5] == ("menus", "abuse", "options", "2", "says")
    assert problem.message == "'中傷' is listed more than once"
    japanese = problem.message_in("ja")
    assert "'中傷'" in japanese and "[" not in japanese and "悪口" not in japanese


def test_a_vague_phrase_with_a_comma_is_refused_too():
    text = ROUTES.read_text("utf-8")
    broken = text.replace("変なメール, 怪しいメール,", "変なメール、怪しいメール,", 1)
    with pytest.raises(RoutesError) as caught:
        parse_routes(broken, "routes.yaml")
    (problem,) = caught.value.problems
    assert problem.path == ("unclear", "says", 1)
    assert problem.message.startswith("'変なメール、怪しいメール' has a comma (、) in it")
    assert "変なメール, 怪しいメール" in problem.message
    spaced = text.replace("変なメール, 怪しいメール,", "変なメール, Apple ID, 怪しいメール,", 1)
    assert parse_routes(spaced, "routes.yaml").unclear.says[2] == "Apple ID"  # a space between ASCII words is kept


def test_a_full_width_space_or_colon_where_yaml_needs_a_half_width_one_names_its_line():
    text = ROUTES.read_text("utf-8")
    colon = text.replace("    name: 日本産業協会の相談室\n", "    name：日本産業協会の相談室\n", 1)
    with pytest.raises(RoutesError) as caught:
        parse_routes(colon, "routes.yaml")
    (problem,) = caught.value.problems
    assert problem.line == colon.splitlines().index("    name：日本産業協会の相談室") + 1
    assert problem.message.startswith("a full-width colon (：) after name;")
    assert "全角の「：」" in problem.message_in("ja")
    # In a text, a full-width space is the text's own: a > block's line may start with one.
    inside = text.replace("      情報処理推進機構、", "      \u3000情報処理推進機構、", 1).replace(
        "greeting: 迷惑メール相談のご案内です。", "greeting: 迷惑メール相談の\u3000ご案内です。", 1)
    assert parse_routes(inside, "routes.yaml").desks["ipa"].about


@pytest.mark.parametrize("written", ["０３-５９７４-００６８", "03－5974－0068", "03ー5974ー0068"])
def test_a_number_in_full_width_is_refused_with_its_half_width_form(written):
    from ivr.core.contacts import parse_phone

    with pytest.raises(ValueError) as caught:
        parse_phone(written)
    assert caught.value.args[0].endswith("write it in half-width characters: 03-5974-0068")
