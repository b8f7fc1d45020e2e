"""Faults: whatever breaks behind the line, the caller hears valid Japanese TwiML at once."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

import pytest
from helpers import ROUTES, post_signed, spoken, twiml
from records_helpers import drained, record_app, stored
from sqlalchemy import event

from ivr.records import database as store
from ivr.core.flow import CallFlow

FAST = 0.5  # seconds: a webhook answered slower than this would be heard as a pause


def timed_call(app, keys):
    """Walk a call by hand, checking each answer is valid TwiML and quick."""
    client = app.test_client()
    roots, path = [], "/voice"
    for key in [None] + keys:
        extra = {} if key is None else {"Digits": "" if key == "-" else key}
        started = time.perf_counter()
        response = post_signed(client, path, **extra)
        assert time.perf_counter() - started < FAST
        roots.append(twiml(response))
        gather = roots[-1].find("Gather")
        if gather is None:
            break
        path = gather.get("action")
    return roots


def failures(app) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = app.test_client().get("/metrics").get_data(as_text=True)
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "ivr_record_write_failures_total")


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr("ivr.records.writer.RETRY_PAUSES", (0.01, 0.01))


def test_database_unreachable(clock, quick_retries):
    app = record_app("postgresql+psycopg://ivr@127.0.0.1:1/records", clock, RECORDS_BUSY_TIMEOUT=1)
    roots = timed_call(app, ["1", "1", "-"])
    assert spoken(roots[2]).startswith("センターの電話相談は") or "迷惑メール相談センター" in spoken(roots[2])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    drained(app)
    assert failures(app) == 4


def test_database_locked_then_released_loses_nothing(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.records.writer.RETRY_PAUSES", (0.3, 0.3, 0.3))
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    stored(database)  # schema in place
    app = record_app(database, clock, RECORDS_BUSY_TIMEOUT=0.1)
    holder = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    timed_call(app, ["5", "-"])
    threading.Timer(0.4, holder.rollback).start()
    drained(app)
    holder.close()
    calls, steps = stored(database)
    assert len(calls) == 1 and len(steps) == 3 and calls[0]["end_reason"] == "answer_heard"


def test_database_locked_for_good_is_logged_and_counted(tmp_path, clock, quick_retries, caplog):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    stored(database)
    app = record_app(database, clock, RECORDS_BUSY_TIMEOUT=0.05)
    holder = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        timed_call(app, ["4", "-"])
        drained(app)
    finally:
        holder.rollback()
        holder.close()
    assert failures(app) == 3
    assert "database is locked" in caplog.text


def test_disk_full(tmp_path, clock, quick_retries):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    stored(database)
    app = record_app(database, clock)
    engine = app.extensions["ivr.records"].engine()

    @event.listens_for(engine, "before_cursor_execute")
    def full(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    roots = timed_call(app, ["6", "-"])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    drained(app)
    assert failures(app) == 3
    assert stored(database) == ([], [])


def test_slow_database_does_not_slow_the_call(tmp_path, clock):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock)
    engine = app.extensions["ivr.records"].engine()
    event.listen(engine, "before_cursor_execute", lambda *args: time.sleep(0.05))
    started = time.perf_counter()
    timed_call(app, ["3", "1", "-"])
    assert time.perf_counter() - started < 4 * FAST
    drained(app)
    assert stored(database)[0][0]["end_reason"] == "answer_heard"


def test_routes_file_deleted_while_serving(tmp_path, clock):
    routes = tmp_path / "routes.yaml"
    shutil.copy(ROUTES, routes)
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, IVR_ROUTES=str(routes))
    client = app.test_client()
    first = twiml(post_signed(client, "/voice"))
    routes.unlink()
    time.sleep(1.1)  # the line looks at the file at most once a second
    answer = twiml(post_signed(client, first.find("Gather").get("action"), Digits="5"))
    assert "情報セキュリティ安心相談窓口" in spoken(answer)
    assert "cannot be read" in client.get("/healthz").get_json()["last_refused_reload"]["error"]


def test_an_exception_inside_the_flow(tmp_path, clock, monkeypatch):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock)
    client = app.test_client()
    twiml(post_signed(client, "/voice"))

    def broken(*args, **kwargs):
        raise RuntimeError("bug in the flow")

    monkeypatch.setattr(CallFlow, "press", broken)
    root = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="1"))
    assert [v.tag for v in root] == ["Say", "Hangup"]
    assert "申し訳" in spoken(root) and "イチハチハチ" in spoken(root).replace("、", "")
    post_signed(client, "/voice/status", CallStatus="completed", CallDuration="9")
    drained(app)
    calls, _ = stored(database)
    assert [(c["path"], c["end_reason"]) for c in calls] == [("start ?=1", "error")]


def test_records_off(tmp_path, clock):
    app = record_app(None, clock)
    assert "ivr.records" not in app.extensions
    roots = timed_call(app, ["7", "-"])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    assert store.database_url({"IVR_RECORDS_DB": "off"}) is None
