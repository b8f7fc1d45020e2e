"""Faults: whatever breaks behind the line, the caller hears valid Japanese TwiML at once."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import time

import pytest
from helpers import OPEN_TUESDAY, ROUTES, metrics_text, post_signed, spoken, twiml, wait_for
from records_helpers import drained, place_call, record_app, stored
from sqlalchemy import event

from ivr.core.flow import CallFlow
from ivr.settings import Settings
from ivr.web import wired

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

    text = metrics_text(app)
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "ivr_record_write_failures_total")


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr("ivr.records.writer.FIRST_PAUSE", 0.01)
    monkeypatch.setattr("ivr.records.writer.LONGEST_PAUSE", 0.05)


def metric(app, name: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = metrics_text(app)
    found = [s.value for f in text_string_to_metric_families(text) for s in f.samples if s.name == name]
    assert found, f"{name} is not in /metrics"
    return sum(found)


def waiting(app, count: int, timeout: float = 10.0) -> dict:
    """/healthz once `count` records wait in the queue and a write has failed."""
    deadline = time.monotonic() + timeout
    while True:
        state = app.test_client().get("/healthz").get_json()["records"]
        if (state["queued"] == count and state["last_write_error"]) or time.monotonic() > deadline:
            return state
        time.sleep(0.02)


def test_database_unreachable_records_wait_and_are_handed_over(tmp_path, clock, quick_retries):
    spool = tmp_path / "spool"
    app = record_app("postgresql+psycopg://ivr@127.0.0.1:1/records", clock, records_timeout=1,
                     records_spool=str(spool))
    roots = timed_call(app, ["1", "1", "-"])
    assert "迷惑メール相談センター" in spoken(roots[2])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    state = waiting(app, 4)
    assert state["queued"] == 4 and state["oldest_queued_seconds"] > 0
    assert state["last_write_error"]["error"] == "the database cannot be reached"
    assert metric(app, "ivr_record_queue_depth") == 4
    assert metric(app, "ivr_record_last_write_error_timestamp_seconds") > 0
    assert metric(app, "ivr_record_write_retries_total") >= 1
    assert failures(app) == 0
    # The worker stops while the database is still away: its records stay in the spool …
    assert wired(app).records.close(timeout=0.2) == 4
    assert len(list(spool.glob("*.spool"))) == 1
    # … and the next worker, with the database back, writes them.
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    following = record_app(database, clock, records_spool=str(spool),
                           records_url="postgresql+psycopg://ivr@127.0.0.1:1/records")
    wired(following).records.url = database  # the same database, reachable again
    following.test_client().get("/healthz")
    drained_soon(following, 4)
    calls, steps = stored(database)
    assert len(calls) == 1 and len(steps) == 4 and calls[0]["path"] == "start top=1 billing=1 billing/1=-"
    assert list(spool.glob("*.spool")) == []


def drained_soon(app, written: int, timeout: float = 15.0) -> None:
    writer = wired(app).records
    deadline = time.monotonic() + timeout
    while writer.written < written and time.monotonic() < deadline:
        time.sleep(0.02)
    drained(app)


def test_sqlite_directory_missing_then_created_loses_nothing(tmp_path, clock, quick_retries):
    database = f"sqlite:///{tmp_path / 'later' / 'r.sqlite3'}"
    app = record_app(database, clock, records_spool=str(tmp_path / "spool"))
    timed_call(app, ["5", "-"])
    assert waiting(app, 3)["queued"] == 3
    (tmp_path / "later").mkdir()
    drained(app)
    calls, steps = stored(database)
    assert len(calls) == 1 and len(steps) == 3 and calls[0]["end_reason"] == "answer_heard"
    assert failures(app) == 0 and app.test_client().get("/healthz").get_json()["records"][
        "last_write_error"]["recovered_at"] is not None


def test_database_locked_then_released_loses_nothing(tmp_path, clock, quick_retries):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    stored(database)  # schema in place
    app = record_app(database, clock, records_timeout=0.1, records_spool=str(tmp_path / "s"))
    holder = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        timed_call(app, ["5", "-"])
        state = waiting(app, 3)
        assert "database is locked" in state["last_write_error"]["error"]
    finally:
        holder.rollback()
        holder.close()
    drained(app)
    calls, steps = stored(database)
    assert len(calls) == 1 and len(steps) == 3 and calls[0]["end_reason"] == "answer_heard"
    assert failures(app) == 0


def test_disk_full_then_freed_loses_nothing(tmp_path, clock, quick_retries):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    stored(database)
    app = record_app(database, clock, records_spool=str(tmp_path / "s"))
    engine = wired(app).records.engine()
    full = True

    @event.listens_for(engine, "before_cursor_execute")
    def refuse(conn, cursor, statement, *args):
        if full and statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    roots = timed_call(app, ["6", "-"])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    assert "disk is full" in waiting(app, 3)["last_write_error"]["error"]
    assert stored(database) == ([], [])
    full = False
    drained(app)
    assert len(stored(database)[1]) == 3 and failures(app) == 0


def test_sqlite_file_deleted_is_noticed_logged_and_written_anew(tmp_path, clock, caplog):
    path = tmp_path / "r.sqlite3"
    database = f"sqlite:///{path}"
    app = record_app(database, clock, records_spool=str(tmp_path / "s"))
    timed_call(app, ["4", "-"])
    drained(app)
    for file in tmp_path.glob("r.sqlite3*"):
        file.unlink()
    timed_call(app, ["3", "2", "-"])
    drained(app)
    assert f"records database {path} was deleted" in caplog.text
    calls, _ = stored(database)
    assert [c["desk"] for c in calls] == ["ipa"]  # the call after the deletion, in a new file
    assert failures(app) == 1  # counted under reason database_deleted


def test_a_record_the_database_refuses_is_lost_alone_logged_with_its_call(tmp_path, clock, caplog):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock, records_spool=str(tmp_path / "s"))
    engine = wired(app).records.engine()
    calls_placed = []

    @event.listens_for(engine, "before_cursor_execute")
    def refuse(conn, cursor, statement, parameters, *args):
        if "INSERT INTO call_steps" in statement and calls_placed[0] in repr(parameters):
            raise sqlite3.IntegrityError("refused")

    writer = wired(app).records
    with writer._cond:  # hold the writer back so both calls go in one batch
        first = place_call(app, ["4", "-"], status=None).base["CallSid"]
        calls_placed.append(first)
        second = place_call(app, ["5", "-"], status=None).base["CallSid"]
    drained(app)
    calls, steps = stored(database)
    assert {s["call_sid"] for s in steps} == {second}
    assert f"record for {first} lost (IntegrityError)" in caplog.text
    assert failures(app) == 3


def test_a_full_queue_is_logged_with_the_call_and_counted(tmp_path, clock, caplog):
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, records_spool=str(tmp_path / "s"))
    writer = wired(app).records
    writer.capacity = 2
    with writer._cond:
        timed_call(app, ["5", "-"])
    drained(app)
    assert failures(app) == 1 and "lost (queue_full)" in caplog.text


def test_slow_database_does_not_slow_the_call(tmp_path, clock):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock, records_spool=str(tmp_path / "s"))
    engine = wired(app).records.engine()
    event.listen(engine, "before_cursor_execute", lambda *args: time.sleep(0.05))
    started = time.perf_counter()
    timed_call(app, ["3", "1", "-"])
    assert time.perf_counter() - started < 4 * FAST
    drained(app)
    assert stored(database)[0][0]["end_reason"] == "answer_heard"


def test_routes_file_deleted_while_serving(tmp_path, clock):
    routes = tmp_path / "routes.yaml"
    shutil.copy(ROUTES, routes)
    app = record_app(None, clock, routes=str(routes))  # records off: the file is the routes' source
    client = app.test_client()
    first = twiml(post_signed(client, "/voice"))
    routes.unlink()
    refused = wait_for(lambda: client.get("/healthz").get_json()["last_refused_reload"], 5)
    assert "cannot be read" in refused["error"]
    answer = twiml(post_signed(client, first.find("Gather").get("action"), Digits="4"))
    assert "迷惑メール相談センターです。" in spoken(answer)


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
    assert wired(app).records is None
    roots = timed_call(app, ["6", "-"])
    assert [v.tag for v in roots[-1]] == ["Say", "Hangup"]
    assert Settings.from_environ({"IVR_RECORDS_DB": "off"}).records_url is None


KILLED_WORKER = """
import os, sys
from datetime import datetime, timezone
from ivr.records.writer import RecordWriter
from ivr.records.summary import CallEnd, StepRecord
writer = RecordWriter(sys.argv[1], spool=sys.argv[2], busy_timeout=0.1)
at = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
for n, sid in enumerate(sys.argv[3:]):
    writer.submit(StepRecord(call_sid=sid, caller_hash=None, seq=n, at=at, endpoint="voice",
                             menu="top", key=None, digits=None, dial_status=None, outcome="menu"))
    writer.submit(CallEnd(call_sid=sid, caller_hash=None, at=at, call_status="completed",
                          duration_s=5))
segment = next(name for name in os.listdir(sys.argv[2]) if name.endswith(".spool"))
with open(os.path.join(sys.argv[2], segment), "ab") as spool:
    spool.write(b'{"call_sid":"' + sys.argv[3].encode() + b'","caller_ha')  # cut short by the kill
os.kill(os.getpid(), 9)
"""


def test_a_killed_workers_spool_is_replayed_once_by_the_next(tmp_path, clock, caplog):
    import subprocess
    import sys

    from helpers import ROOT

    spool = tmp_path / "spool"
    spool.mkdir()
    sids = [f"CA{n:032x}" for n in range(1, 6)]
    # A worker queues records it cannot write yet (its database is away), and is killed.
    away = f"sqlite:///{tmp_path / 'away' / 'r.sqlite3'}"
    killed = subprocess.run([sys.executable, "-c", KILLED_WORKER, away, str(spool), *sids],
                            cwd=ROOT, capture_output=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    assert len(list(spool.glob("*.spool"))) == 1
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    for _ in range(2):  # a second worker finds nothing more to write
        app = record_app(database, clock, records_spool=str(spool))
        app.test_client().get("/healthz")  # a worker starts: it looks for spools left behind
        drained_soon(app, 5 if _ == 0 else 0)
    calls, steps = stored(database)
    assert sorted(c["call_sid"] for c in calls) == sids and len(steps) == 5
    assert {c["end_reason"] for c in calls} == {"hung_up_in_menu"}
    assert list(spool.glob("*.spool")) == []
    assert f"record for {sids[0]} lost: its spool line was cut short" in caplog.text


@pytest.mark.parametrize("looked_at", ["segment", "held"])
def test_a_spool_file_is_locked_before_another_worker_can_see_it(tmp_path, monkeypatch, looked_at):
    """A worker starting up looks for files no live worker holds while another makes its own:
    had it seen the new file before its lock, it would have claimed it empty and deleted it, and
    every record spooled to it after would have gone with it at the next exit (seen under load,
    at a reload: 84 records missing from the report)."""
    import fcntl

    from ivr.records import spool as spooling

    directory = tmp_path / "spool"
    maker, other = spooling.Spool(directory), spooling.Spool(directory)
    real_flock, flocks, look = fcntl.flock, [], {}

    def flock_after_a_look(fd, operation):
        flocks.append(fd)
        if len(flocks) == (1 if looked_at == "segment" else 2):
            # the other worker looks just before the maker takes its lock, and does with what it
            # claims what its writer does: a segment holding no records goes
            claimed, look["losses"] = other.claim_orphans(100)
            look["claimed"] = [records for _, records in claimed]
            for segment, _ in claimed:
                segment.finish_if_written()
        real_flock(fd, operation)

    monkeypatch.setattr(spooling.fcntl, "flock", flock_after_a_look)
    sid = f"CA{1:032x}"
    segment = maker.append(step(sid, 1))
    maker.hold(3)
    monkeypatch.undo()
    assert look == {"claimed": [], "losses": []}
    assert segment.path.exists() and len(list(directory.glob("*.held"))) == 1
    segment.release()  # the maker goes, its record not yet written: the next worker has it
    maker.close([])
    claimed, losses = spooling.Spool(directory).claim_orphans(100)
    assert [[r.call_sid for r in records] for _, records in claimed] == [[sid]] and losses == []
    assert [p.name for p in directory.iterdir() if not p.name.endswith(".spool")] == []


def test_a_file_left_half_made_by_a_killed_worker_goes_and_one_being_made_stays(tmp_path):
    import fcntl

    from ivr.records import spool as spooling

    directory = tmp_path / "spool"
    directory.mkdir()
    left = directory / ".1-1-aaaaaaaa.spool.new"  # killed between making and naming it
    left.write_bytes(b"")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    just_made = directory / ".3-3-cccccccc.spool.new"  # made a moment ago, not yet locked
    just_made.write_bytes(b"")
    being_made = directory / ".2-bbbbbbbb.held.new"
    fd = os.open(being_made, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # its worker is making it now, for an hour
    os.utime(being_made, (time.time() - 3600, time.time() - 3600))
    try:
        assert spooling.Spool(directory).claim_orphans(100) == ([], [])
        assert sorted(p.name for p in directory.iterdir()) == [being_made.name, just_made.name]
    finally:
        os.close(fd)


def test_the_spool_is_kept_small_and_left_empty_at_a_clean_exit(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.records.writer.ROTATE_IDLE", 5)
    monkeypatch.setattr("ivr.records.writer.SEGMENT_IDLE", 600.0)  # not the idle queue's doing here
    spool = tmp_path / "spool"
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, records_spool=str(spool))
    writer = wired(app).records
    place_call(app, ["4", "-"])  # 4 records: the file stays, all written, for the next ones
    drained(app)
    assert len(list(spool.glob("*.spool"))) == 1
    place_call(app, ["5", "-"])  # 8 records in it, all written: replaced by a new file
    drained(app)
    assert list(spool.glob("*.spool")) == []
    place_call(app, ["7", "-"])
    drained(app)
    assert writer.close() == 0 and list(spool.glob("*.spool")) == []
    assert len(stored(f"sqlite:///{tmp_path / 'r.sqlite3'}")[1]) == 9


def test_a_record_the_spool_cannot_carry_is_still_written(tmp_path, clock, caplog):
    from ivr.records.summary import StepRecord

    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock, records_spool=str(tmp_path / "s"))
    odd = StepRecord(call_sid="CA" + "b" * 32, caller_hash=None, seq=1, at=clock.now, endpoint="voice",
                     menu="top", key=None, digits=None, dial_status=None, outcome="menu",
                     topic_label=object())  # JSON cannot carry it; the database never sees it
    writer = wired(app).records
    assert writer.submit(odd.__class__(**{**odd.__dict__, "topic_label": None})) is True
    assert writer._spool.append(odd) is None
    assert "cannot be spooled" in caplog.text
    drained(app)
    assert len(stored(database)[0]) == 1


def test_a_spool_file_goes_once_the_queue_has_been_empty_a_while(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.records.writer.SEGMENT_IDLE", 0.05)
    monkeypatch.setattr("ivr.records.writer.TICK", 0.05)
    spool = tmp_path / "spool"
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, records_spool=str(spool))
    place_call(app, ["4", "-"])
    drained(app)
    deadline = time.monotonic() + 10
    while list(spool.glob("*.spool")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(spool.glob("*.spool")) == []  # no caller hash kept on disk while nothing is queued
    place_call(app, ["5", "-"])  # a new file for the next records
    drained(app)
    assert len(stored(f"sqlite:///{tmp_path / 'r.sqlite3'}")[1]) == 6


class ShortWrites:
    """The os module, but the disk holds only `room` more bytes (None: as much as written)."""

    def __init__(self):
        self.room = None

    def __getattr__(self, name):
        return getattr(os, name)

    def write(self, fd, data):
        if self.room is None:
            return os.write(fd, data)
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = os.write(fd, data[:self.room])
        self.room -= written
        return written


def step(sid: str, seq: int):
    from ivr.records.summary import StepRecord

    return StepRecord(call_sid=sid, caller_hash="h" * 64, seq=seq, at=OPEN_TUESDAY, endpoint="voice",
                      menu="top", key=None, digits=None, dial_status=None, outcome="menu",
                      record_id=f"{seq:016x}")


def test_a_line_the_disk_cuts_short_is_taken_back_and_spooled_later(tmp_path, monkeypatch, caplog):
    from ivr.records import spool as spooling
    from ivr.records.writer import RecordWriter

    disk = ShortWrites()
    monkeypatch.setattr(spooling, "os", disk)
    spool = tmp_path / "spool"
    writer = RecordWriter(f"sqlite:///{tmp_path / 'away' / 'r.sqlite3'}", spool=spool, busy_timeout=0.1)
    sids = [f"CA{n:032x}" for n in range(1, 5)]
    writer.submit(step(sids[0], 1))
    (segment,) = spool.glob("*.spool")
    disk.room = 100  # the disk fills up in the middle of the next line
    assert writer.submit(step(sids[1], 2)) is True  # held in memory
    writer.submit(step(sids[2], 3))  # nothing more fits
    assert segment.read_bytes().count(b"\n") == 1 and segment.read_bytes().endswith(b"\n")
    assert writer.state()["spool_error"] and writer.state()["queued"] == 3
    assert (next(spool.glob("*.held")).read_bytes()) == b"%020d\n" % 2
    disk.room = None  # room again: the next record goes in, and those held in memory after it
    writer.submit(step(sids[3], 4))
    lines = segment.read_bytes().splitlines()
    assert sorted(spooling.decode(line).call_sid for line in lines) == sids
    assert next(spool.glob("*.held")).read_bytes() == b"%020d\n" % 0
    assert writer.state()["spool_error"] is None and writer.lost == 0
    assert "a short write (100 of" in caplog.text
    assert writer.close(timeout=0.2) == 4  # the database still away: left for the next worker …
    records, losses = spooling.Spool(spool).claim_orphans(100)
    assert sorted(r.call_sid for r in records[0][1]) == sids and losses == []  # … every one whole
    records[0][0].release()


def test_a_line_cut_short_by_an_older_version_keeps_the_record_after_it(tmp_path):
    from ivr.records import spool as spooling

    spool = tmp_path / "spool"
    spool.mkdir()
    one, two, three, four = (spooling.encode(step(f"CA{n:032x}", n)) for n in range(1, 5))
    (spool / "1-1-aaaaaaaa.spool").write_bytes(one + two[:150] + three + four[:90])
    claimed, losses = spooling.Spool(spool).claim_orphans(100)
    ((segment, records),) = claimed
    assert [r.call_sid for r in records] == [f"CA{n:032x}" for n in (1, 3)]
    assert [(loss.reason, loss.message) for loss in losses] == [
        ("spool_torn", f"record for CA{2:032x} lost: its spool line was cut short"),
        ("spool_torn", f"record for CA{4:032x} lost: its spool line was cut short")]
    segment.release()


@pytest.mark.parametrize("line, why", [
    (b'"x"', "a JSON string, not a record"), (b"null", "a JSON null, not a record"),
    (b"1", "a JSON number, not a record"), (b"[" * 100_000, "JSON nested too deep"),
    (b"\xff\xfe{", "not JSON"), (b'{"type": ["end"]}', "no record type"),
    (b'{"type": "end", "call_sid": "CA' + b"0" * 32 + b'"}', "no caller_hash"),
    (b'{"type": "end", "call_sid": "x", "caller_hash": null, "at": "2026-12-01T00:00:00+00:00",'
     b' "call_status": "completed", "duration_s": 5}', "call_sid is not a CallSid"),
    (b'{"type": "end", "call_sid": "CA' + b"0" * 32 + b'", "caller_hash": null, "at": "2026-12-01",'
     b' "call_status": "completed", "duration_s": "5"}', "duration_s is a JSON string"),
    (b'{"type": "end", "call_sid": "CA' + b"0" * 32 + b'", "caller_hash": null, "at": "yesterday",'
     b' "call_status": "completed", "duration_s": 5}', "Invalid isoformat"),
    (b'{"type": "end", "call_sid": "CA' + b"0" * 32 + b'", "caller_hash": null, "at": "2026-12-01",'
     b' "call_status": "completed", "duration_s": 5, "menu": {}}', "unknown field 'menu'"),
])
def test_a_line_that_is_not_a_record_says_why(line, why):
    from ivr.records.spool import decode

    with pytest.raises(ValueError) as refused:
        decode(line)
    assert why in str(refused.value)


def test_the_spool_is_synced_to_disk_off_the_calls_path(tmp_path, clock, monkeypatch):
    from ivr.records import spool as spooling

    import threading

    synced = []

    def noted(kind):
        return lambda fd: synced.append((kind, fd, threading.current_thread().name))

    monkeypatch.setattr("ivr.records.writer.SYNC_EVERY", 0.05)
    monkeypatch.setattr(spooling.os, "fdatasync", noted("data"), raising=True)
    monkeypatch.setattr(spooling.os, "fsync", noted("directory"), raising=True)
    spool = tmp_path / "spool"
    app = record_app(f"sqlite:///{tmp_path / 'away' / 'r.sqlite3'}", clock, records_spool=str(spool))
    place_call(app, ["4", "-"], status=None)  # the database away: the records stay queued
    writer = wired(app).records
    segment = writer._spool.current.fd
    deadline = time.monotonic() + 30
    while not {("data", segment), ("directory", "any")} <= {(k, fd if k == "data" else "any")
                                                             for k, fd, _ in synced}:
        assert time.monotonic() < deadline, synced
        time.sleep(0.02)
    # (other tests' writers may sync too meanwhile: every sync is on such a thread)
    assert {(kind, thread) for kind, _, thread in synced} == {("data", "ivr-records-sync"),
                                                               ("directory", "ivr-records-sync")}
    writer.close(timeout=0.1)


def test_a_clean_exit_after_the_thread_ended_idle_removes_the_spool(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.records.writer.SEGMENT_IDLE", 600.0)  # only the exit may remove it
    monkeypatch.setattr("ivr.records.writer.IDLE_SECONDS", 0.1)
    monkeypatch.setattr("ivr.records.writer.TICK", 0.05)
    spool = tmp_path / "spool"
    app = record_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock, records_spool=str(spool))
    writer = wired(app).records
    place_call(app, ["4", "-"])
    drained(app)
    deadline = time.monotonic() + 10
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert writer._thread is None and len(list(spool.glob("*.spool"))) == 1  # ended for lack of work
    assert writer.close() == 0
    assert list(spool.iterdir()) == []
    assert len(stored(f"sqlite:///{tmp_path / 'r.sqlite3'}")[1]) == 3
