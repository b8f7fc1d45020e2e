"""Many concurrent complete calls against a real gunicorn on 127.0.0.1, then check the records.

    python loadtest/load.py --calls 1000 --concurrency 50 --workers 4
    python loadtest/load.py --database postgresql+psycopg://user@127.0.0.1:5432/ivr
    python loadtest/load.py --calls 400 --concurrency 32 --workers 3 --serve \
        --event 0.3:reload --event 0.6:stop-worker [--postgres --event 0.5:restart-database]

Every call is signed like Twilio's, follows the TwiML (Gather actions) to one desk's answer,
stays silent so the line says goodbye, and ends with the status callback. Afterwards every
call must have exactly one complete record naming its desk. Prints the figures as JSON.

`--serve` runs `ivr serve` instead of gunicorn (both with the packaged configuration). Each `--event
FRACTION:WHAT` happens once that fraction of the calls is done: `reload` (SIGHUP to the master),
`stop-worker` (SIGTERM to one worker), `kill-worker` (SIGKILL to one worker), `stall-worker`
(SIGSTOP to one worker, which gunicorn's timeout then kills),
`hold-lock=SECONDS` (the SQLite file's write lock held that long), `restart-database`
(PostgreSQL restarted; needs `--postgres`, a server of the load test's own) or
`stop-database=SECONDS` (PostgreSQL stopped that long, then started).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from ivr.operators.server import CONFIG, free_port, stop_process, worker_pids
from ivr.web import wired

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30


def desk_paths(routes: Path) -> list[tuple[tuple[str, ...], str]]:
    """(keys, desk) for every way from the greeting to a desk's answer."""
    from datetime import datetime

    from ivr.app import create_app
    from ivr.core.hours import JAPAN
    from ivr.core.paths import walk

    app = create_app({"auth_token": "x", "routes": str(routes), "records_url": None,
                      "step_log": "off"})
    return [(p.keys, p.desk) for p in walk(wired(app).line.flow, datetime.now(JAPAN))]


class Server:
    """gunicorn with the production config, on a free loopback port, in a scratch directory."""

    def __init__(self, workdir: Path, token: str, routes: Path, workers: int, database: str | None,
                 serve: bool = False, gunicorn_args: str = ""):
        self.port = free_port()
        self.metrics_port = free_port()  # /metrics, served apart from the webhooks
        self.workdir = workdir
        self.metrics_dir = workdir / "prometheus"
        self.metrics_dir.mkdir(exist_ok=True)
        env = dict(os.environ, TWILIO_AUTH_TOKEN=token, IVR_ROUTES=str(routes),
                   WEB_CONCURRENCY=str(workers), IVR_CALLER_HASH_KEY=secrets.token_hex(16),
                   PROMETHEUS_MULTIPROC_DIR=str(self.metrics_dir), IVR_STEP_LOG="stderr",
                   IVR_METRICS_BIND=f"127.0.0.1:{self.metrics_port}",
                   PYTHONPATH=str(ROOT))
        env.pop("IVR_DEV", None)
        env.pop("DATABASE_URL", None)
        if database:
            env["DATABASE_URL"] = database
        else:
            env["IVR_RECORDS_DB"] = str(workdir / "records.sqlite3")
        self.database = database or f"sqlite:///{workdir / 'records.sqlite3'}"
        self.log_path = workdir / "gunicorn.log"
        self.log = open(self.log_path, "ab")  # a server started again in the same place adds to it
        env["IVR_RECORDS_SPOOL"] = str(workdir / "spool")
        if gunicorn_args:
            env["GUNICORN_CMD_ARGS"] = gunicorn_args
        command = ([sys.executable, "-m", "ivr", "serve", "--host", "127.0.0.1",
                    "--port", str(self.port), "--workers", str(workers)] if serve else
                   [sys.executable, "-m", "gunicorn", "-c", CONFIG,
                    "--bind", f"127.0.0.1:{self.port}"])
        self.process = subprocess.Popen(command, cwd=workdir, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        self.metrics_base = f"http://127.0.0.1:{self.metrics_port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s")

    def workers(self) -> list[int]:
        """The pids of the master's worker processes."""
        return worker_pids(self.process.pid)

    def signal_worker(self, signum: int) -> int | None:
        """Send `signum` to one worker; its pid.

        A worker listed a moment ago may be gone by now (a reload replaces
        every worker), so the list is read again until one takes the signal.
        """
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            for pid in self.workers():
                try:
                    os.kill(pid, signum)
                except ProcessLookupError:
                    continue
                return pid
            time.sleep(0.05)
        return None

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


@dataclass
class CallResult:
    call_sid: str
    desk: str
    keys: tuple[str, ...]
    latencies: list[float] = field(default_factory=list)
    error: str | None = None


def place_call(base: str, token: str, keys: tuple[str, ...], desk: str, deadline: float) -> CallResult:
    """One call from ring to status callback, following the TwiML."""
    validator = RequestValidator(token)
    session = requests.Session()
    form = {"CallSid": "CA" + secrets.token_hex(16), "AccountSid": "AC" + "0" * 32,
            "From": f"+8190{random.randrange(10**8):08d}", "To": "+815000000000",
            "CallStatus": "in-progress", "Direction": "inbound"}
    result = CallResult(form["CallSid"], desk, keys)

    def post(path: str, extra: dict) -> requests.Response:
        params = dict(form, **extra)
        headers = {"X-Twilio-Signature": validator.compute_signature(base + path, params)}
        started = time.perf_counter()
        response = session.post(base + path, data=params, headers=headers, timeout=10)
        result.latencies.append(time.perf_counter() - started)
        return response

    try:
        path, presses = "/voice", list(keys) + [""]
        extra: dict = {}
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("run out of time")
            response = post(path, extra)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code} at {path}")
            root = ET.fromstring(response.content)
            gather = root.find("Gather")
            if gather is None:
                if [v.tag for v in root] != ["Say", "Hangup"]:
                    raise RuntimeError(f"unexpected end at {path}: {[v.tag for v in root]}")
                break
            if not presses:
                raise RuntimeError(f"the line kept listening after the answer at {path}")
            path, extra = gather.get("action"), {"Digits": presses.pop(0)}
        response = post("/voice/status", {"CallStatus": "completed", "CallDuration": "60"})
        if response.status_code != 204:
            raise RuntimeError(f"status callback got HTTP {response.status_code}")
    except Exception as error:  # every failure is reported, none stops the run
        result.error = f"{type(error).__name__}: {error}"
    return result


def check_records(database: str, results: list[CallResult], wait: float) -> dict:
    """Every call has exactly one complete record with its desk; returns what was found."""
    from sqlalchemy import create_engine, func, select

    from ivr.records.tables import call_steps, calls

    engine = create_engine(database)
    sids = {r.call_sid: r for r in results}
    started = time.monotonic()
    deadline = started + wait
    while True:
        try:
            with engine.connect() as connection:
                rows = connection.execute(select(calls)).mappings().all()
                steps = dict(connection.execute(
                    select(call_steps.c.call_sid, func.count()).group_by(call_steps.c.call_sid)).all())
        except Exception:  # the schema may not be there yet, or the database restarting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
            continue
        complete = [r for r in rows if r["ended_at"] is not None and r["end_reason"] == "answer_heard"]
        every_step = all(steps.get(sid) == len(r.keys) + 2 for sid, r in sids.items())
        if (len(complete) >= len(sids) and every_step) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    settled = round(time.monotonic() - started, 2)
    engine.dispose()
    problems = []
    by_sid = {r["call_sid"]: r for r in rows}
    if len(rows) != len(sids):
        problems.append(f"{len(rows)} records for {len(sids)} calls")
    for sid, result in sids.items():
        row = by_sid.get(sid)
        if row is None:
            problems.append(f"{sid}: no record")
        elif row["desk"] != result.desk or row["end_reason"] != "answer_heard" or row["ended_at"] is None:
            problems.append(f"{sid}: desk {row['desk']} (expected {result.desk}), "
                            f"ended {row['end_reason']}")
        elif steps.get(sid) != len(result.keys) + 2:
            problems.append(f"{sid}: {steps.get(sid)} steps, expected {len(result.keys) + 2}")
    return {"records": len(rows), "complete": len(complete), "problems": problems[:20],
            "problem_count": len(problems), "settled_seconds": settled}


def report_totals(database: str) -> dict[str, int]:
    """`ivr report` for this month (Japan time), CSV: how many calls, how many with a final status."""
    from datetime import datetime

    from ivr.core.hours import JAPAN

    month = datetime.now(JAPAN).strftime("%Y-%m")
    output = subprocess.run([sys.executable, "-m", "ivr", "report", "--month", month, "--format", "csv",
                             "--database", database], capture_output=True, text=True, check=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT))).stdout
    rows = [line.split(",") for line in output.splitlines()[1:]]
    return {item: int(count) for _, section, item, count in rows if section == "calls"
            and item in {"total", "with_final_status"}}


def scrape(base: str) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    found = dict.fromkeys(("ivr_answers_total", "ivr_record_write_failures_total",
                           "ivr_refused_signatures_total", "ivr_step_seconds_count",
                           "ivr_records_written_total", "ivr_record_queue_depth"), 0.0)
    lost: dict[str, float] = {}  # records given up, by reason: what a failing check names
    for family in text_string_to_metric_families(requests.get(base + "/metrics", timeout=5).text):
        for sample in family.samples:
            if sample.name in found:
                found[sample.name] += sample.value
            if sample.name == "ivr_record_write_failures_total" and sample.value:
                reason = sample.labels.get("reason", "")
                lost[reason] = lost.get(reason, 0.0) + sample.value
    found["lost_by_reason"] = lost
    return found


class Events:
    """Things that happen to the server once a fraction of the calls is done."""

    def __init__(self, server: Server, planned: list[tuple[float, str]], calls: int,
                 restart_database=None):
        self.server = server
        self.pending = sorted(planned)
        self.calls = calls
        self.restart_database = restart_database
        self.done: list[dict] = []
        self.threads: list[threading.Thread] = []

    def call_finished(self, finished: int) -> None:
        while self.pending and finished >= self.pending[0][0] * self.calls:
            fraction, what = self.pending.pop(0)
            thread = threading.Thread(target=self._happen, args=(fraction, what, finished))
            thread.start()
            self.threads.append(thread)

    def _happen(self, fraction: float, what: str, finished: int) -> None:
        started = time.perf_counter()
        detail = None
        if what == "reload":
            os.kill(self.server.process.pid, signal.SIGHUP)
        elif what == "stop-worker":
            detail = self.server.signal_worker(signal.SIGTERM)
        elif what == "kill-worker":
            detail = self.server.signal_worker(signal.SIGKILL)
        elif what == "stall-worker":  # it stops answering: gunicorn's timeout kills it
            detail = self.server.signal_worker(signal.SIGSTOP)
        elif what == "restart-database":
            self.restart_database()
        elif what.startswith("stop-database="):
            self.restart_database(float(what.split("=", 1)[1]))
        elif what.startswith("hold-lock="):
            detail = self._hold_sqlite_lock(float(what.split("=", 1)[1]))
        else:
            raise ValueError(f"unknown event {what}")
        self.done.append({"at": fraction, "event": what, "after_calls": finished, "detail": detail,
                          "seconds": round(time.perf_counter() - started, 2)})

    def _hold_sqlite_lock(self, seconds: float) -> dict:
        """Hold the SQLite file's write lock, as a long migration or a backup would."""
        import sqlite3

        holder = sqlite3.connect(self.server.database.removeprefix("sqlite:///"),
                                 isolation_level=None, timeout=30)
        try:
            asked = time.perf_counter()
            holder.execute("BEGIN EXCLUSIVE")
            waited = round(time.perf_counter() - asked, 2)  # writers busy: it may wait its turn
            time.sleep(seconds)
            holder.rollback()
        finally:
            holder.close()
        return {"waited_for_lock_seconds": waited}

    def wait(self) -> None:
        for thread in self.threads:
            thread.join()


def run(calls: int, concurrency: int, workers: int, database: str | None = None,
        time_limit: float = 120.0, workdir: Path | None = None, seed: int = 7,
        serve: bool = False, events: list[tuple[float, str]] = (), restart_database=None,
        settle: float = 30.0, gunicorn_args: str = "") -> dict:
    """Start the server, place the calls, check records and metrics, stop it; the figures."""
    random.seed(seed)
    routes = ROOT / "routes.yaml"
    token = secrets.token_hex(16)
    paths = desk_paths(routes)
    plan = [paths[i % len(paths)] for i in range(calls)]
    random.shuffle(plan)
    scratch = tempfile.TemporaryDirectory() if workdir is None else None
    server = Server(Path(scratch.name) if scratch else workdir, token, routes, workers, database,
                    serve, gunicorn_args)
    happenings = Events(server, list(events), calls, restart_database)
    try:
        server.wait_ready()
        started = time.perf_counter()
        deadline = time.monotonic() + time_limit
        results: list[CallResult] = []
        happenings.call_finished(0)  # events at 0 happen as the first calls start
        with ThreadPoolExecutor(concurrency) as pool:
            futures = [pool.submit(place_call, server.base, token, keys, desk, deadline)
                       for keys, desk in plan]
            for future in as_completed(futures):
                results.append(future.result())
                happenings.call_finished(len(results))
        elapsed = time.perf_counter() - started
        happenings.wait()
        records = check_records(server.database, [r for r in results if r.error is None], wait=settle)
        report = report_totals(server.database)
        metrics = scrape(server.metrics_base)
        log = server.log_path.read_text(encoding="utf-8").splitlines()
        log_lines = sum(1 for line in log if line.startswith('{"event": "step"'))
        lost_lines = [line for line in log if " lost (" in line][:5]  # what the server said of a loss
        # what the workers said of their records and spools, to tell why a check failed
        said = [line for line in log if not line.startswith('{"event": ') and "[INFO]" not in line]
    finally:
        server.stop()
        if scratch:
            scratch.cleanup()
    latencies = sorted(seconds for r in results for seconds in r.latencies)
    quantile = lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)  # noqa: E731
    return {
        "calls": calls, "concurrency": concurrency, "workers": workers,
        "database": "postgresql" if database else "sqlite",
        "errors": [r.error for r in results if r.error][:20],
        "error_count": sum(1 for r in results if r.error),
        "requests": len(latencies), "seconds": round(elapsed, 2),
        "calls_per_second": round(calls / elapsed, 1),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": quantile(0.5), "p95": quantile(0.95), "p99": quantile(0.99),
                       "max": round(1000 * latencies[-1], 1) if latencies else None,
                       "mean": round(1000 * statistics.fmean(latencies), 1) if latencies else None},
        "records": records, "report": report, "metrics": metrics, "json_step_lines": log_lines,
        "lost_lines": lost_lines, "server_said": said[:40],
        "wrong_desks": records["problem_count"], "events": happenings.done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", help="SQLAlchemy URL; default a fresh SQLite file")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--serve", action="store_true", help="run `ivr serve`, not gunicorn -c infra/…")
    parser.add_argument("--event", action="append", default=[], metavar="FRACTION:WHAT",
                        help="reload, stop-worker, kill-worker, stall-worker, hold-lock=SECONDS, "
                        "restart-database or stop-database=SECONDS at that fraction")
    parser.add_argument("--postgres", action="store_true",
                        help="start a PostgreSQL server of the test's own (needs its binaries)")
    parser.add_argument("--gunicorn-args", default="",
                        help="more gunicorn options, e.g. '--max-requests 50' (not with --serve)")
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds to wait after the last call for every record")
    args = parser.parse_args()
    events = [(float(e.split(":")[0]), e.split(":", 1)[1]) for e in args.event]
    database, restart, cluster = args.database, None, None
    if args.postgres:
        from pgserver import PostgresServer

        cluster = PostgresServer()
        database, restart = cluster.url, cluster.restart
    try:
        figures = run(args.calls, args.concurrency, args.workers, database, args.time_limit,
                      serve=args.serve, events=events, restart_database=restart, settle=args.settle,
                      gunicorn_args=args.gunicorn_args)
    finally:
        if cluster:
            cluster.stop()
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    ok = not figures["error_count"] and not figures["records"]["problem_count"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
