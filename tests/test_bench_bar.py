"""The verdict on a benchmark run's figures (bench/bar.py): a miss fails the run, a hold passes it.
The figures are given, not measured: the benchmark itself is bench/run.py and bench/instructions.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("bench_bar", Path(__file__).resolve().parent.parent / "bench" / "bar.py")
bar = sys.modules["bench_bar"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bar)


def test_the_bar_is_the_decided_one():
    assert (bar.THROUGHPUT_RATIO, bar.P99_RATIO, bar.INSTRUCTIONS_ABOVE) == (0.75, 1.35, 500_000)


def test_http_figures_within_the_bar_hold_it():
    judged = bar.http_verdicts({"top menu": (0.81, 1.19), "key 1": (0.75, 1.08), "key 4": (0.79, 1.35)})
    assert bar.held(judged)
    assert [v.line() for v in judged] == [
        "- requests/s ≥ 0.75× the secure floor's: 0.75× (key 1) — held",
        "- p99 ≤ 1.35× the secure floor's: 1.35× (key 4) — held"]


@pytest.mark.parametrize("ratios, missed", [
    ({"top menu": (0.81, 1.19), "key 4": (0.74, 1.10)}, "requests/s ≥ 0.75× the secure floor's"),
    ({"top menu": (0.81, 1.36), "key 4": (0.90, 1.10)}, "p99 ≤ 1.35× the secure floor's"),
])
def test_one_step_past_either_http_limit_misses_the_bar(ratios, missed):
    judged = bar.http_verdicts(ratios)
    assert not bar.held(judged)
    assert [v.limit for v in judged if not v.held] == [missed]
    assert [v.line() for v in judged if not v.held][0].endswith("— MISSED")


def test_instructions_at_most_500k_above_the_floor_hold_and_one_more_misses():
    floor = 1_825_000
    holding = bar.instructions_verdicts(floor, {"top menu": 2_086_000, "key 4": floor + 500_000})
    assert bar.held(holding)
    assert holding[0].line() == "- instructions per step ≤ the secure floor's + 500k: +500k (key 4) — held"
    missing = bar.instructions_verdicts(floor, {"top menu": 2_086_000, "key 4": floor + 500_001})
    assert not bar.held(missing) and missing[0].step == "key 4"


def test_a_run_that_measured_nothing_is_not_a_pass():
    with pytest.raises(ValueError):
        bar.http_verdicts({})
    with pytest.raises(ValueError):
        bar.instructions_verdicts(1_825_000, {})
