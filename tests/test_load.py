"""A short load test: concurrent complete calls against a real gunicorn, every one recorded once."""

from __future__ import annotations

import load  # loadtest/load.py
import pytest
from records_helpers import postgres_url

CALLS, CONCURRENCY, WORKERS, TIME_LIMIT = 60, 8, 3, 60.0


def check(figures: dict) -> None:
    assert figures["error_count"] == 0, figures["errors"]
    records = dict(figures["records"])
    assert records.pop("settled_seconds") < TIME_LIMIT
    assert records == {"records": CALLS, "complete": CALLS, "problems": [], "problem_count": 0}
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


# A bounded version of loadtest/RESULTS.md's runs with events: `ivr serve` with 3 workers, a graceful
# reload of the master at 30 % of the calls and one worker stopped at 60 %: every call must be in
# `ivr report` with its final status soon after the last request, and no caller hears an error.
# On SQLite the file's write lock is held for 8 s from the start, longer than a write waits for it,
# so the workers that stop still have records queued; on PostgreSQL the server is restarted.
EVENT_CALLS, EVENT_CONCURRENCY, SETTLE = 120, 16, 20.0
RELOAD_AND_STOP = [(0.3, "reload"), (0.6, "stop-worker")]


def check_events(figures: dict, events: list[tuple[float, str]]) -> None:
    assert figures["error_count"] == 0, figures["errors"]
    assert sorted(e["event"] for e in figures["events"]) == sorted(what for _, what in events)
    records = figures["records"]
    # On failure, everything the workers said of their records and spools, in full (a tuple is
    # cut short in pytest's report, and a failure seen once in CI could not be read).
    assert (records["records"], records["complete"], records["problems"]) == \
        (EVENT_CALLS, EVENT_CALLS, []), "\n".join([str(records), *figures["server_said"],
                                                    str(figures["events"])])
    assert records["settled_seconds"] <= SETTLE
    assert figures["report"] == {"total": EVENT_CALLS, "with_final_status": EVENT_CALLS}
    assert figures["metrics"]["ivr_record_write_failures_total"] == 0, \
        (figures["metrics"]["lost_by_reason"], figures["lost_lines"])
    assert figures["metrics"]["ivr_record_queue_depth"] == 0
    for event in figures["events"]:  # the lock was held from the start, not after the calls
        if event["event"].startswith("hold-lock"):
            assert event["detail"]["waited_for_lock_seconds"] < 1, event


def test_reload_and_a_stopped_worker_lose_no_record_on_sqlite(tmp_path):
    events = [(0.0, "hold-lock=8")] + RELOAD_AND_STOP
    figures = load.run(EVENT_CALLS, EVENT_CONCURRENCY, WORKERS, None, TIME_LIMIT, tmp_path,
                       serve=True, events=events, settle=SETTLE)
    check_events(figures, events)


def test_a_killed_worker_loses_no_record(tmp_path):
    events = [(0.0, "hold-lock=6"), (0.5, "kill-worker")]
    figures = load.run(EVENT_CALLS, EVENT_CONCURRENCY, WORKERS, None, TIME_LIMIT, tmp_path,
                       serve=True, events=events, settle=SETTLE)
    # A caller whose request was in the killed worker lost the connection: that is the kill's,
    # not the records'. A gthread worker serves several callers at once, each with at most one
    # request in flight. Every call that went through must be complete, its steps replayed from
    # the killed worker's spool.
    assert figures["error_count"] <= EVENT_CONCURRENCY, figures["errors"]
    records = figures["records"]
    assert [p for p in records["problems"] if " records for " not in p] == [], records
    assert records["complete"] >= EVENT_CALLS - figures["error_count"]
    assert records["settled_seconds"] <= SETTLE
    assert figures["metrics"]["ivr_record_write_failures_total"] == 0


def test_workers_recycled_by_max_requests_lose_no_record(tmp_path):
    # gunicorn with the image's config, each worker replaced after 60 requests while the
    # SQLite lock is held: every worker that goes still has records queued.
    events = [(0.0, "hold-lock=8")]
    figures = load.run(EVENT_CALLS, EVENT_CONCURRENCY, WORKERS, None, TIME_LIMIT, tmp_path,
                       events=events, settle=SETTLE, gunicorn_args="--max-requests 60")
    check_events(figures, events)


def test_reload_stopped_worker_and_database_restart_on_postgresql(tmp_path, own_postgres):
    events = RELOAD_AND_STOP + [(0.45, "restart-database")]
    figures = load.run(EVENT_CALLS, EVENT_CONCURRENCY, WORKERS, own_postgres.url, TIME_LIMIT,
                       tmp_path, serve=True, events=events, restart_database=own_postgres.restart,
                       settle=SETTLE)
    check_events(figures, events)


def test_server_stopped_while_postgresql_is_down_writes_everything_at_its_next_start(
        tmp_path, own_postgres):
    """A pod stopping (SIGTERM to `ivr serve`) while the database is away: the records wait in
    the spool, and the server started again once the database is back writes every one."""
    import random
    import secrets
    import time

    random.seed(11)
    token = secrets.token_hex(16)
    paths = load.desk_paths(load.ROOT / "routes.yaml")
    server = load.Server(tmp_path, token, load.ROOT / "routes.yaml", WORKERS, own_postgres.url, True)
    try:
        server.wait_ready()
        first = load.place_call(server.base, token, *paths[0], time.monotonic() + 30)
        assert first.error is None and load.check_records(own_postgres.url, [first], 10)["complete"] == 1
        own_postgres.stop_server()  # the database goes away
        deadline = time.monotonic() + 60
        results = [load.place_call(server.base, token, *paths[n % len(paths)], deadline)
                   for n in range(24)]
        assert [r.error for r in results if r.error] == []
    finally:
        server.stop()
    assert list((tmp_path / "spool").glob("*.spool")), "the stopped workers left no spool"
    own_postgres.start()
    again = load.Server(tmp_path, token, load.ROOT / "routes.yaml", WORKERS, own_postgres.url, True)
    try:
        again.wait_ready()  # each worker's first /healthz looks for spools left behind
        records = load.check_records(own_postgres.url, [first] + results, SETTLE)
    finally:
        again.stop()
    assert (records["records"], records["complete"], records["problems"]) == (25, 25, []), records
    assert list((tmp_path / "spool").glob("*.spool")) == []


def test_a_worker_gone_since_it_was_listed_is_passed_over():
    """A reload replaces every worker: one listed a moment ago may be gone when the signal is sent."""
    import signal
    import subprocess
    import sys
    from types import SimpleNamespace

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        server = SimpleNamespace(workers=lambda: [gone.pid, alive.pid])
        assert load.Server.signal_worker(server, signal.SIGTERM) == alive.pid
        assert alive.wait(timeout=10) == -signal.SIGTERM
    finally:
        alive.kill()
        alive.wait()
