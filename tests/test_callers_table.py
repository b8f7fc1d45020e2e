"""The table of what a caller hears (docs/callers.md) gives the seconds the line's own measure gives."""

from __future__ import annotations

import re

import pytest
from helpers import OPEN_TUESDAY, ROOT

from ivr.operators.preview import open_jtalk, spoken_timings, timings

ROW = re.compile(r"^\| (?P<keys>[0-9 →]+) \| .*? \| (?P<quick>[0-9.]+) s \| (?P<patient>[0-9.]+) s \| "
                 r"(?P<say>.*?) \|$")


def table() -> dict[tuple[str, ...], dict]:
    section = (ROOT / "docs" / "callers.md").read_text("utf-8").split("# What a caller hears", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "| quick | patient |" in section, "the columns are named as `ivr preview` names them"
    rows = {}
    for line in section.splitlines():
        found = ROW.match(line)
        if found:
            said = re.search(r"\(([0-9.]+) s\)$", found["say"])
            rows[tuple(found["keys"].split(" → "))] = {
                "quick": float(found["quick"]), "patient": float(found["patient"]),
                "say": float(said[1]) if said else None}
    return rows


def test_the_readme_table_gives_the_measured_seconds(flow):
    if open_jtalk() is None:
        pytest.skip("the speech extra (pyopenjtalk-plus) is not installed")
    rows = table()
    measured = {t.path.keys: t for t in timings(flow, OPEN_TUESDAY)}
    assert set(rows) == set(measured), "every path, and only those, in the table of docs/callers.md"
    said = {(t.path.menu, t.path.key): t.seconds for t in spoken_timings(flow, OPEN_TUESDAY)}
    for keys, row in rows.items():
        timing = measured[keys]
        assert (row["quick"], row["patient"]) == (round(timing.eager, 1), round(timing.patient, 1)), keys
        if row["say"] is not None:
            assert row["say"] == round(said[timing.path.menus[-1], keys[-1]], 1), keys
