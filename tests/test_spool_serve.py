"""The record spool under a real `ivr serve`: bad files left in it, a full disk, a clean stop.

Every record a worker queued is either written or counted (`ivr_record_write_failures_total`)
and logged; the spool never keeps caller hashes on disk after a clean stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import ROUTES, Served, fetch_health, record_failures, served_call, wait_for
from records_helpers import HASH_KEY, stored
from sqlalchemy.exc import OperationalError

from ivr.records.spool import encode
from ivr.records.summary import CallEnd, StepRecord

AT = datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)


def call_records(sid: str) -> list:
    """A short call as a worker would have spooled it: its first step, then Twilio's end."""
    return [StepRecord(call_sid=sid, caller_hash="h" * 64, seq=1, at=AT, endpoint="voice", menu="top",
                       key=None, digits=None, dial_status=None, outcome="menu", record_id=sid[-16:]),
            CallEnd(call_sid=sid, caller_hash="h" * 64, at=AT, call_status="completed", duration_s=7)]


def lines(records: list) -> bytes:
    return b"".join(encode(r) for r in records)


def serve_records(tmp_path: Path, spool: Path, workers: int = 2, **env: str) -> Served:
    return Served(tmp_path, ROUTES, workers=workers, IVR_RECORDS_DB=str(tmp_path / "r.sqlite3"),
                  IVR_RECORDS_SPOOL=str(spool), IVR_CALLER_HASH_KEY=HASH_KEY, **env)


def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'r.sqlite3'}"


def stored_now(url: str) -> tuple[list[dict], list[dict]]:
    """What the database holds now; nothing while the server is still making its schema."""
    try:
        return stored(url)
    except OperationalError:
        return [], []


def ended_calls(tmp_path: Path) -> list[str]:
    if not (tmp_path / "r.sqlite3").exists():
        return []
    return sorted(c["call_sid"] for c in stored_now(database(tmp_path))[0] if c["ended_at"] is not None)


def spool_descriptors(pids: list[int], spool: Path) -> list[str]:
    """The files in the spool directory that these processes hold open."""
    held = []
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith(str(spool)):
                held.append(target)
    return held


# -- bad files left in the spool --------------------------------------------------------------

BAD_LINES = [b'"x"', b"null", b"1", b"[]", b'{"call_sid": 5}',
             b'{"call_sid":"CA' + b"e" * 32 + b'","type":"end","at":"not a time"}']


def test_bad_lines_and_a_fifo_in_the_spool_stop_no_replay(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    first, second, third = (f"CA{n:032x}" for n in (1, 2, 3))
    records = call_records(first)
    (spool / "1-1-aaaaaaaa.spool").write_bytes(
        lines(records[:1]) + b"\n".join(BAD_LINES) + b"\n" + lines(records[1:] + call_records(second)))
    os.mkfifo(spool / "2-1-bbbbbbbb.spool")  # would block a reader that opens it for reading
    (spool / "3-1-cccccccc.spool").write_bytes(lines(call_records(third)))
    with serve_records(tmp_path, spool) as served:
        wait_for(lambda: ended_calls(tmp_path) == [first, second, third], 30)
        failures = wait_for(lambda: (f := record_failures(served.metrics_port)).get("spool_bad_line") and f, 10)
        wait_for(lambda: not list(spool.glob("*.spool")), 10)
        assert spool_descriptors(served.workers(), spool) == []
        log = served.log()
    assert failures == {"spool_bad_line": len(BAD_LINES), "spool_bad_file": 1}
    for bad in BAD_LINES:  # each bad line is logged with what it held
        assert repr(bad) in log, bad
    assert "2-1-bbbbbbbb.spool is not a regular file" in log
    assert sorted(p.name for p in spool.iterdir()) == ["2-1-bbbbbbbb.spool.refused"]
    calls, steps = stored(database(tmp_path))
    assert len(steps) == 3


# -- a clean stop --------------------------------------------------------------------------------

def test_a_clean_stop_after_an_idle_while_leaves_no_spool(tmp_path):
    from ivr.records.writer import IDLE_SECONDS

    spool = tmp_path / "spool"
    with serve_records(tmp_path, spool, workers=1) as served:
        served_call(served.port, ["4", ""], CallSid="CA" + "4" * 32)
        wait_for(lambda: ended_calls(tmp_path) == ["CA" + "4" * 32], 15)
        time.sleep(IDLE_SECONDS + 2)  # the writer's thread ends for lack of work
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(30)
    assert list(spool.glob("*")) == []  # nothing left on disk: no caller hash either
    calls, steps = stored(database(tmp_path))
    assert [(c["desk"], c["end_reason"]) for c in calls] == [("center", "answer_heard")]
    assert len(steps) == 3


# -- a full disk -----------------------------------------------------------------------------------

@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs, to fill (mounting needs root; skipped without it)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> Path:
    """Take every free page of the file system `directory` is on."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as out:
        for size in (4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def written_and_lost(tmp_path: Path, port: int) -> tuple[int, float]:
    """Records in the database (steps, and calls' ends), and records counted as lost."""
    if not (tmp_path / "later" / "r.sqlite3").exists():
        return 0, sum(record_failures(port).values())
    calls, steps = stored_now(f"sqlite:///{tmp_path / 'later' / 'r.sqlite3'}")
    return len(steps) + sum(c["call_status"] is not None for c in calls), sum(record_failures(port).values())


@pytest.mark.parametrize("freed_before_the_kill", [True, False], ids=["freed-then-killed", "killed-while-full"])
def test_a_full_spool_disk_loses_nothing_uncounted(tmp_path, tiny_disk, freed_before_the_kill):
    """The spool's disk fills up mid-line while the database is away; the worker is killed; the
    database comes back. Every record is written, or counted as lost; none vanishes."""
    spool = tiny_disk / "spool"
    served = Served(tmp_path, ROUTES, workers=1, IVR_RECORDS_DB=str(tmp_path / "later" / "r.sqlite3"),
                    IVR_RECORDS_SPOOL=str(spool), IVR_CALLER_HASH_KEY=HASH_KEY)
    calls = [f"CA{n:032x}" for n in range(1, 8)]
    with served:
        served_call(served.port, ["5", ""], CallSid=calls[0])  # 4 records, spooled
        filler = fill(tiny_disk)
        for sid in calls[1:5]:  # one line is cut short by the full disk, the rest cannot be spooled
            served_call(served.port, ["5", ""], CallSid=sid)
        assert "cannot be written" in served.log()
        if freed_before_the_kill:
            filler.unlink()
            for sid in calls[5:]:
                served_call(served.port, ["5", ""], CallSid=sid)
        (worker,) = served.workers()
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: (w := served.workers()) and w != [worker], 30)
        fetch_health(served.port)  # the new worker looks for spools left behind (a probe would)
        if filler.exists():
            filler.unlink()
            for sid in calls[5:]:
                served_call(served.port, ["5", ""], CallSid=sid)
        (tmp_path / "later").mkdir()  # the database is back
        total = 4 * len(calls)
        deadline = time.monotonic() + 30
        while sum(written_and_lost(tmp_path, served.metrics_port)) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        written, lost = written_and_lost(tmp_path, served.metrics_port)
        log = served.log()
    assert written + lost == total, (written, lost)
    if freed_before_the_kill:  # what waited in memory went to the spool once it could be written
        assert lost == 0
    else:
        assert "records lost: a worker that is gone held them in memory only" in log


# -- a worker replaced while the database is locked ---------------------------------------------

def test_a_worker_replaced_while_the_database_is_locked_has_its_records_written_unasked(tmp_path):
    """The image's gunicorn, its worker replaced after a call (stopped, as max-requests or a
    reload would) while the SQLite file's write lock is held: the worker leaves its records in
    the spool, and the worker that replaces it writes them once the lock is gone, with no call and
    no /healthz to wake it."""
    import sqlite3

    spool = tmp_path / "spool"
    served = Served(tmp_path, ROUTES, workers=1, image=True, IVR_RECORDS_DB=str(tmp_path / "r.sqlite3"),
                    IVR_RECORDS_SPOOL=str(spool), IVR_CALLER_HASH_KEY=HASH_KEY)
    sid = "CA" + "5" * 32
    with served:
        first = served.workers()
        holder = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None, timeout=30)
        try:
            holder.execute("BEGIN EXCLUSIVE")  # as a long migration or a backup would
            served_call(served.port, ["4", ""], CallSid=sid)
            os.kill(first[0], signal.SIGTERM)  # gunicorn starts another worker in its place
            wait_for(lambda: (now := served.workers()) and now != first, 30)
            wait_for(lambda: "left in the spool" in served.log(), 10)
        finally:
            holder.rollback()
            holder.close()
        wait_for(lambda: ended_calls(tmp_path) == [sid], 20)
        wait_for(lambda: not list(spool.glob("*.spool")), 10)
        log = served.log()
    assert "replaying 4 queued records" in log  # the new worker took the spool over
    calls, steps = stored(database(tmp_path))
    assert [(c["desk"], c["end_reason"]) for c in calls] == [("center", "answer_heard")]
    assert len(steps) == 3
