"""How many steps a second the record writer stores, with distinct calls, on SQLite and PostgreSQL.

    python loadtest/writer_bench.py --calls 4000 [--database URL] [--postgres]

Queues every call's steps (greeting, two keys, answer heard) and its status callback through
one RecordWriter, as a worker's webhooks would, and times until all are written. Prints JSON.
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


def run(url: str, calls: int, spool: Path) -> dict:
    from ivr.records import database as store
    from ivr.records.writer import RecordWriter

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
    return {"database": url.split(":")[0], "calls": calls, "steps": steps, "records": len(items),
            "queue_seconds": round(queued, 3), "seconds": round(seconds, 3),
            "steps_per_second": round(steps / seconds), "records_per_second": round(len(items) / seconds),
            "complete_calls": complete, "lost": writer.lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--database", help="SQLAlchemy URL; default a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a PostgreSQL server of its own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url, cluster = args.database or f"sqlite:///{scratch}/records.sqlite3", None
        if args.postgres:
            from pgserver import PostgresServer

            cluster = PostgresServer()
            url = cluster.url
        try:
            print(json.dumps(run(url, args.calls, Path(scratch) / "spool"), indent=2))
        finally:
            if cluster:
                cluster.stop()
        os.sync()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
