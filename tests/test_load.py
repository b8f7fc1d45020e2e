"""A short load test: concurrent complete calls against a real gunicorn, every one recorded once."""

from __future__ import annotations

import sys

import pytest
from helpers import ROOT
from records_helpers import postgres_url

sys.path.insert(0, str(ROOT / "loadtest"))
import load  # noqa: E402

CALLS, CONCURRENCY, WORKERS, TIME_LIMIT = 60, 8, 3, 60.0


def check(figures: dict) -> None:
    assert figures["error_count"] == 0, figures["errors"]
    assert figures["records"] == {"records": CALLS, "complete": CALLS, "problems": [],
                                  "problem_count": 0}
    assert figures["metrics"]["ivr_answers_total"] == CALLS  # summed over every worker
    assert figures["metrics"]["ivr_record_write_failures_total"] == 0
    assert figures["json_step_lines"] == figures["requests"] - CALLS  # status callbacks log none
    assert figures["seconds"] < TIME_LIMIT


def test_concurrent_calls_on_sqlite(tmp_path):
    check(load.run(CALLS, CONCURRENCY, WORKERS, None, TIME_LIMIT, tmp_path))


@pytest.fixture
def postgres():
    yield from postgres_url()


def test_concurrent_calls_on_postgresql(tmp_path, postgres):
    check(load.run(CALLS, CONCURRENCY, WORKERS, postgres, TIME_LIMIT, tmp_path))
