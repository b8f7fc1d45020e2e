"""How many steps a second the record writer stores, with distinct calls, on SQLite and PostgreSQL.

    python loadtest/writer_bench.py --calls 4000 [--database URL] [--postgres] [--sync POLICY]

Queues every call's steps (greeting, two keys, answer heard) and its status callback through
one RecordWriter, as a worker's webhooks would, and times until all are written. Prints JSON.
`--sync` says how the spool reaches the disk: `second` (the line's policy: fdatasync at most a
second after a line, by a thread of its own), `off` (never), or `line` (fdatasync after every
line, on the caller's path: the policy not taken). The spool is in the temporary directory, on
a disk, not in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = (("voice", "top", None, None, "menu", None), ("step", "top", None, "1", "menu", None),
         ("step", "ads", None, "1", "answer", "center"), ("step", "ads", "1", "", "answer_heard", None))


def records(calls: int):
    from ivr.records.summary import CallEnd, StepRecord

    at = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    seq = 0
    for n in range(calls):
        sid = f"CA{n:032x}"
        for endpoint, menu, key, digits, outcome, desk in STEPS:
            seq += 1
            yield StepRecord(call_sid=sid, caller_hash="h" * 64, seq=seq, at=at + timedelta(seconds=seq),
                             endpoint=endpoint, menu=menu, key=key, digits=digits, dial_status=None,
                             outcome=outcome, desk=desk, topic="ads/1" if desk else None,
                             topic_label="ご相談" if desk else None, desk_closed=False if desk else None)
        yield CallEnd(call_sid=sid, caller_hash="h" * 64, at=at + timedelta(seconds=seq),
                      call_status="completed", duration_s=40)


def sync_policy(policy: str) -> None:
    """Make the spool reach the disk as `policy` says (see the module's help)."""
    from ivr.records import spool

    if policy == "off":
        spool.Spool.sync = lambda self, dirty, new_files: None
    elif policy == "line":
        append = spool.Spool.append

        def append_and_sync(self, item):
            segment = append(self, item)
            if segment is not None:
                os.fdatasync(segment.fd)
            return segment

        spool.Spool.append = append_and_sync


def run(url: str, calls: int, spool: Path, sync: str = "second") -> dict:
    from ivr.records import database as store
    from ivr.records.writer import RecordWriter

    sync_policy(sync)
    store.upgrade(store.make_engine(url))
    items = list(records(calls))
    writer = RecordWriter(url, spool=spool)
    started = time.perf_counter()
    for item in items:
        writer.submit(item)
    queued = time.perf_counter() - started
    if not writer.drain(600):
        raise RuntimeError("not written within 600 s")
    seconds = time.perf_counter() - started
    engine = store.make_engine(url)
    complete = sum(1 for c in store.calls_between(engine, datetime(2026, 1, 1, tzinfo=timezone.utc),
                                                   datetime(2027, 1, 1, tzinfo=timezone.utc))
                   if c["end_reason"] == "answer_heard" and c["steps"] == len(STEPS))
    steps = calls * len(STEPS)
    writer.close()
    return {"database": url.split(":")[0], "sync": sync, "calls": calls, "steps": steps, "records": len(items),
            "queue_seconds": round(queued, 3), "seconds": round(seconds, 3),
            "steps_per_second": round(steps / seconds), "records_per_second": round(len(items) / seconds),
            "complete_calls": complete, "lost": writer.lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--database", help="SQLAlchemy URL; default a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a PostgreSQL server of its own")
    parser.add_argument("--sync", choices=("second", "off", "line"), default="second",
                        help="how the spool reaches the disk (default: the line's own policy)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url, cluster = args.database or f"sqlite:///{scratch}/records.sqlite3", None
        if args.postgres:
            from pgserver import PostgresServer

            cluster = PostgresServer()
            url = cluster.url
        try:
            print(json.dumps(run(url, args.calls, Path(scratch) / "spool", args.sync), indent=2))
        finally:
            if cluster:
                cluster.stop()
        os.sync()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
