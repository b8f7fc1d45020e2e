"""Many concurrent complete calls against a real gunicorn on 127.0.0.1, then check the records.

    python loadtest/load.py --calls 1000 --concurrency 50 --workers 4
    python loadtest/load.py --database postgresql+psycopg://user@127.0.0.1:5432/ivr

Every call is signed like Twilio's, follows the TwiML (Gather actions) to one desk's answer,
stays silent so the line says goodbye, and ends with the status callback. Afterwards every
call must have exactly one complete record naming its desk. Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from ivr.operators.server import stop_process

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "infra" / "gunicorn.conf.py"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def desk_paths(routes: Path) -> list[tuple[tuple[str, ...], str]]:
    """(keys, desk) for every way from the greeting to a desk's answer."""
    from datetime import datetime

    from ivr.app import create_app
    from ivr.core.hours import JAPAN
    from ivr.core.paths import walk

    app = create_app({"TWILIO_AUTH_TOKEN": "x", "IVR_ROUTES": str(routes), "RECORDS_URL": None,
                      "IVR_STEP_LOG": "off"})
    return [(p.keys, p.desk) for p in walk(app.extensions["ivr"].flow, datetime.now(JAPAN))]


class Server:
    """gunicorn with the production config, on a free loopback port, in a scratch directory."""

    def __init__(self, workdir: Path, token: str, routes: Path, workers: int, database: str | None):
        self.port = free_port()
        self.workdir = workdir
        self.metrics_dir = workdir / "prometheus"
        self.metrics_dir.mkdir()
        env = dict(os.environ, TWILIO_AUTH_TOKEN=token, IVR_ROUTES=str(routes),
                   WEB_CONCURRENCY=str(workers), IVR_CALLER_HASH_KEY=secrets.token_hex(16),
                   PROMETHEUS_MULTIPROC_DIR=str(self.metrics_dir), IVR_STEP_LOG="stderr",
                   PYTHONPATH=str(ROOT))
        env.pop("IVR_DEV", None)
        env.pop("DATABASE_URL", None)
        if database:
            env["DATABASE_URL"] = database
        else:
            env["IVR_RECORDS_DB"] = str(workdir / "records.sqlite3")
        self.database = database or f"sqlite:///{workdir / 'records.sqlite3'}"
        self.log_path = workdir / "gunicorn.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", f"127.0.0.1:{self.port}"],
            cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

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
    deadline = time.monotonic() + wait
    while True:
        with engine.connect() as connection:
            rows = connection.execute(select(calls)).mappings().all()
            steps = dict(connection.execute(
                select(call_steps.c.call_sid, func.count()).group_by(call_steps.c.call_sid)).all())
        complete = [r for r in rows if r["ended_at"] is not None and r["end_reason"] == "answer_heard"]
        if len(complete) >= len(sids) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
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
            "problem_count": len(problems)}


def scrape(base: str) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    found = dict.fromkeys(("ivr_answers_total", "ivr_record_write_failures_total",
                           "ivr_refused_signatures_total", "ivr_step_seconds_count"), 0.0)
    for family in text_string_to_metric_families(requests.get(base + "/metrics", timeout=5).text):
        for sample in family.samples:
            if sample.name in found:
                found[sample.name] += sample.value
    return found


def run(calls: int, concurrency: int, workers: int, database: str | None = None,
        time_limit: float = 120.0, workdir: Path | None = None, seed: int = 7) -> dict:
    """Start gunicorn, place the calls, check records and metrics, stop gunicorn; the figures."""
    random.seed(seed)
    routes = ROOT / "routes.yaml"
    token = secrets.token_hex(16)
    paths = desk_paths(routes)
    plan = [paths[i % len(paths)] for i in range(calls)]
    random.shuffle(plan)
    scratch = tempfile.TemporaryDirectory() if workdir is None else None
    server = Server(Path(scratch.name) if scratch else workdir, token, routes, workers, database)
    try:
        server.wait_ready()
        started = time.perf_counter()
        deadline = time.monotonic() + time_limit
        results: list[CallResult] = []
        with ThreadPoolExecutor(concurrency) as pool:
            futures = [pool.submit(place_call, server.base, token, keys, desk, deadline)
                       for keys, desk in plan]
            for future in as_completed(futures):
                results.append(future.result())
        elapsed = time.perf_counter() - started
        records = check_records(server.database, [r for r in results if r.error is None], wait=30)
        metrics = scrape(server.base)
        log_lines = sum(1 for line in server.log_path.read_text(encoding="utf-8").splitlines()
                        if line.startswith('{"event": "step"'))
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
        "records": records, "metrics": metrics, "json_step_lines": log_lines,
        "wrong_desks": records["problem_count"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", help="SQLAlchemy URL; default a fresh SQLite file")
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args()
    figures = run(args.calls, args.concurrency, args.workers, args.database, args.time_limit)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    ok = not figures["error_count"] and not figures["records"]["problem_count"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
