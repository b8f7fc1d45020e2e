"""What following the published routes version costs: one look at the records database, and a step.

    python bench/routes_poll.py [--database postgresql+psycopg://…] [--looks 500]

Where the line keeps call records, each worker looks up the published version's number once a
second, in a thread of its own. This times one look (nothing changed: the common case) on a
SQLite file and, with --database, on PostgreSQL: CPU and wall-clock microseconds, the median of
--looks, and with valgrind (apt-get install valgrind) the instructions per look, counted by
callgrind as bench/instructions.py counts a step. It then counts the instructions of a new
call's step with the routes from the file and from the database: the step itself, without the
looks, which run in their own thread once a second. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
STEP_CALLS = 300


def build(database: str | None):
    """The line as bench/run.py builds it; with `database`, its routes come from there."""
    sys.path.insert(0, str(BENCH))
    import run  # noqa: PLC0415 — bench/run.py, beside this file

    metrics = tempfile.mkdtemp(prefix="ivr-routes-poll-metrics-")
    os.environ.update({k: v for k, v in run.bench_env().items() if k.startswith(("IVR_", "TWILIO_"))})
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics
    from ivr.app import create_app

    overrides = {"records_spool": "off", "step_log": "off"}
    if database:
        overrides["records_url"] = database
    return create_app(overrides), run


def _line(app):
    from ivr.web import wired  # noqa: PLC0415 — imported as bench/run.py imports the line

    return wired(app).line


def look_times(database: str, looks: int) -> tuple[float, float]:
    """Median CPU and wall-clock microseconds of one look (the published number, unchanged)."""
    app, _ = build(database)
    line = _line(app)
    line.published.poll(line)
    cpu, wall = [], []
    for _ in range(looks):
        started_cpu, started = time.thread_time(), time.perf_counter()
        line.published.poll(line)
        cpu.append(time.thread_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return statistics.median(cpu) * 1e6, statistics.median(wall) * 1e6


def child(which: str, database: str, calls: int) -> None:
    """In the process valgrind runs: looks, or a new call's steps, between callgrind's switches."""
    app, run = build(database if which == "look" else None)
    line = _line(app)
    if which == "step-database":
        # The routes from the database, and call records otherwise off: only the routes differ.
        from ivr.web.published import PublishedRoutes

        # Its thread looks once, at the first step, and not while the steps are counted: a
        # look is counted on its own above.
        line.published = PublishedRoutes(database, every=3600.0)
        line.number, line._text, line.flow, _ = line.published.first(line)
    if which == "look":
        line.published.poll(line)
        work = lambda: [line.published.poll(line) for _ in range(calls)]  # noqa: E731
    else:
        served, case = run.Served(app).__enter__(), run.cases()[0]
        run.wsgi_us(served, case, 50, 1)  # warm, and (from the database) the looking thread started
        time.sleep(0.5)  # its first look is done before counting
        work = lambda: run.wsgi_us(served, case, calls, 1)  # noqa: E731
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, stdout=subprocess.DEVNULL)
    work()
    subprocess.run(["callgrind_control", "--instr=off", pid], check=True, stdout=subprocess.DEVNULL)


def instructions(which: str, database: str, calls: int) -> float:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", which, "--database", database, "--looks", str(calls)],
        capture_output=True, text=True, check=True,
    ).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1)) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL to look at as well as a SQLite file")
    parser.add_argument("--looks", type=int, default=500, help="looks timed (at most 5000)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    looks = max(10, min(args.looks, 5000))
    if args.child:
        child(args.child, args.database, looks)
        return
    scratch = Path(tempfile.mkdtemp(prefix="ivr-routes-poll-"))
    databases = {"SQLite": f"sqlite:///{scratch / 'records.sqlite3'}"}
    if args.database:
        databases["PostgreSQL"] = args.database
    counting = shutil.which("valgrind") is not None and shutil.which("callgrind_control") is not None
    print("| one look at the published version | CPU µs | wall µs | instructions |\n|---|---:|---:|---:|")
    for name, url in databases.items():
        cpu, wall = look_times(url, looks)
        counted = f"{instructions('look', url, min(looks, 200)) / 1000:,.0f}k" if counting else "—"
        print(f"| {name} | {cpu:.0f} | {wall:.0f} | {counted} |")
    if counting:
        sqlite = databases["SQLite"]
        file_step = instructions("step-file", sqlite, STEP_CALLS)
        database_step = instructions("step-database", sqlite, STEP_CALLS)
        print("\n| a new call's step | instructions |\n|---|---:|")
        print(f"| routes from the file | {file_step / 1000:,.0f}k |")
        print(f"| routes from the database (SQLite) | {database_step / 1000:,.0f}k "
              f"({(database_step - file_step) / 1000:+,.1f}k) |")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
