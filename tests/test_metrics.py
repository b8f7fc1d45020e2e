"""GET /metrics, JSON step logs and /healthz: counts and timings, never a caller."""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import shutil
import sqlite3
import time

import psycopg
import pytest
from helpers import BASE, ROUTES, absent, call_params, metrics_text, samples, value, wait_for
from records_helpers import CALLER, HASH_KEY, drained, place_call, record_app
from ivr.web import wired


def test_a_call_is_counted_by_menu_option_desk_transfer_and_latency(tmp_path, clock):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock)
    place_call(app, ["4", "1"], dial_status="busy")
    place_call(app, ["1", "1", "-"])
    drained(app)
    found = samples(app.test_client())
    assert value(found, "ivr_menu_selections_total", menu="top", key="4") == 1
    assert value(found, "ivr_menu_selections_total", menu="top", key="1") == 1
    assert value(found, "ivr_menu_selections_total", menu="billing", key="1") == 1
    assert value(found, "ivr_answers_total", desk="center") == 1
    assert value(found, "ivr_answers_total", desk="hotline") == 1
    assert value(found, "ivr_transfers_total", outcome="transfer") == 1
    assert value(found, "ivr_transfers_total", outcome="transfer_busy") == 1
    assert value(found, "ivr_step_outcomes_total", outcome="answer_heard") == 1
    assert value(found, "ivr_step_seconds_count", endpoint="ivr.step") == 5
    assert value(found, "ivr_step_seconds_count", endpoint="ivr.dialed") == 1
    assert value(found, "ivr_http_requests_total", endpoint="ivr.voice", status="200") == 2
    assert value(found, "ivr_http_requests_total", endpoint="status.call_status", status="204") == 2
    assert value(found, "ivr_calls_ended_total", status="completed") == 2
    assert absent(found, "ivr_record_write_failures_total", reason="OperationalError")
    assert absent(found, "ivr_transfers_total", outcome="transfer_no-answer")


def test_refused_signatures_and_unknown_paths_are_counted(client):
    client.post("/voice", data=call_params(), base_url=BASE)
    client.post("/voice/status", data=call_params(CallStatus="completed"), base_url=BASE,
                headers={"X-Twilio-Signature": "forged"})
    client.get("/no/such/page")
    found = samples(client)
    assert value(found, "ivr_refused_signatures_total") == 2
    assert value(found, "ivr_http_requests_total", endpoint="ivr.voice", status="403") == 1
    assert value(found, "ivr_http_requests_total", endpoint="unmatched", status="404") == 1


def test_record_write_retries_and_records_written_are_counted(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.records.writer.FIRST_PAUSE", 0.01)
    monkeypatch.setattr("ivr.records.writer.LONGEST_PAUSE", 0.05)
    app = record_app(f"sqlite:///{tmp_path / 'missing' / 'r.sqlite3'}", clock)
    place_call(app, ["4", "-"])
    deadline = time.monotonic() + 10
    while absent(samples(app.test_client()), "ivr_record_write_retries_total",
                 reason="OperationalError") and time.monotonic() < deadline:
        time.sleep(0.02)
    found = samples(app.test_client())
    assert value(found, "ivr_record_queue_depth") == 4  # three steps and the end wait
    assert value(found, "ivr_records_written_total") == 0
    (tmp_path / "missing").mkdir()
    drained(app)
    found = samples(app.test_client())
    assert absent(found, "ivr_record_write_failures_total", reason="OperationalError")
    assert value(found, "ivr_record_queue_depth") == 0
    assert value(found, "ivr_records_written_total") == 3


def test_a_refused_reload_is_counted_once(tmp_path, clock):
    routes = tmp_path / "routes.yaml"
    shutil.copy(ROUTES, routes)
    app = record_app(None, clock, routes=str(routes))  # records off: the file is the routes' source
    client = app.test_client()
    assert value(samples(client), "ivr_routes_reload_failures_total") == 0
    routes.write_text("version: 1\nline: [broken\n", encoding="utf-8")
    place_call(app, ["4", "-"])
    wait_for(lambda: client.get("/healthz").get_json()["last_refused_reload"], 5)
    time.sleep(1.5)  # the line looks at the file again meanwhile
    assert value(samples(client), "ivr_routes_reload_failures_total") == 1


def test_metrics_and_health_say_nothing_about_callers(tmp_path, clock):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock)
    call = place_call(app, ["1", "1", "-"])
    drained(app)
    client = app.test_client()
    digest = hmac.new(HASH_KEY.encode(), CALLER.encode(), hashlib.sha256).hexdigest()
    health = client.get("/healthz")
    assert set(health.get_json()) == {"status", "version", "routes", "last_refused_reload", "records",
                                      "published"}
    assert set(health.get_json()["records"]) == {"queued", "oldest_queued_seconds", "written", "lost",
                                                 "last_write_error", "spool", "spool_error"}
    assert client.get("/metrics").status_code == 404  # served apart from the webhooks
    for body in (metrics_text(app), health.get_data(as_text=True)):
        for secret in (CALLER, CALLER[3:], digest[:12], call.base["CallSid"]):
            assert secret not in body


@pytest.mark.parametrize("error, kind", [
    (sqlite3.OperationalError("database is locked"), "locked"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read_only"),
    (sqlite3.OperationalError("database or disk is full"), "disk_full"),
    (psycopg.OperationalError("connection failed: connection to server at \"db\", port 5432 failed"), "unreachable"),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), "timeout"),
    (psycopg.errors.LockNotAvailable("could not obtain lock"), "locked"),
    (psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT"), "read_only"),
    (psycopg.errors.UniqueViolation("duplicate key"), "refused"),
    (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
])
def test_each_database_fault_has_a_kind_healthz_can_show(error, kind):
    from sqlalchemy import exc

    from ivr.records.faults import DATABASE_FAULTS, database_fault

    wrapped = error if isinstance(error, OSError) else exc.OperationalError("INSERT …", {}, error)
    assert database_fault(wrapped) == kind and kind in DATABASE_FAULTS
    assert database_fault(exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")) == "no_connection"


def test_one_json_line_per_step_with_the_caller_only_hashed(tmp_path, clock, capsys):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, step_log="stderr")
    call = place_call(app, ["2", "3", "-"])
    drained(app)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert [line["event"] for line in lines] == ["step"] * 4 + ["call_end"]
    lines = lines[:4]
    digest = hmac.new(HASH_KEY.encode(), CALLER.encode(), hashlib.sha256).hexdigest()
    fields = ("endpoint", "menu", "position_key", "key", "outcome")
    assert [tuple(line[f] for f in fields) for line in lines] == [
        ("ivr.voice", None, None, None, "menu"),
        ("ivr.step", "top", None, "2", "menu"),
        ("ivr.step", "abuse", None, "3", "answer"),
        ("ivr.step", "abuse", "3", None, "answer_heard"),
    ]
    # What the step did, as the flow said it: the answer's topic and whether its desk was open.
    assert [(line["topic"], line["desk"], line["heard"], line["announced"]) for line in lines] == [
        (None, None, None, False), (None, None, None, False), ("abuse/3", "kotaeru", None, False),
        (None, "kotaeru", None, False)]
    assert lines[2]["desk_open"] is wired(app).line.flow.desk_open(
        wired(app).line.flow.routes.desks["kotaeru"], clock())
    assert {line["call_sid"] for line in lines} == {call.base["CallSid"]}
    assert {line["caller"] for line in lines} == {digest}
    assert all(isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0 for line in lines)
    assert CALLER[3:] not in "".join(json.dumps(line) for line in lines)


def test_the_status_callback_logs_one_json_line(tmp_path, clock, capsys):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, step_log="stderr")
    call = place_call(app, [], duration=17)
    drained(app)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    digest = hmac.new(HASH_KEY.encode(), CALLER.encode(), hashlib.sha256).hexdigest()
    assert lines[-1] == {"event": "call_end", "call_sid": call.base["CallSid"], "status": "completed",
                         "duration_s": 17, "caller": digest}


def test_the_terminal_phone_prints_no_json_lines(tmp_path, clock, capsys):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, step_log="auto")
    place_call(app, ["4", "-"])
    drained(app)
    assert "{" not in capsys.readouterr().err
