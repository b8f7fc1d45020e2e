"""Benchmark the line against the floor of its stack, on loopback only.

    python bench/run.py [--seconds 10] [--connections 32] [--write]

Serves the line (ivr.app:create_app()), the secure floor (bench/floor.py: Flask reading the form,
twilio's RequestValidator, constant TwiML) and the bare floor (the same without the signature check)
with gunicorn and the packaged gunicorn configuration (ivr/operators/gunicorn_conf.py) on 127.0.0.1,
loads them with wrk (Debian: apt-get install wrk) using signed Twilio requests (each line row paired
with a secure-floor row run beside it, and judged by the ratio within the pair), then times the same
steps in-process (direct WSGI calls), routes.yaml loading and the workers' memory. The line is
held to the bar in bench/bar.py against the secure floor of the same run (at least 0.75× its
requests/s, a p99 within 1.35× its), and to its limits on loading routes.yaml and on a worker's
memory. Prints a Markdown block for bench/RESULTS.md, ending in the verdict (--write also puts
it there), and exits 1 if any limit is missed.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from bar import Verdict, held, http_verdicts

from ivr.operators.server import CONFIG, free_port, stop_process, worker_pids
from ivr.core.events import StepEvent
from ivr.web import wired

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
ROUTES = ROOT / "routes.yaml"
TOKEN = "bench-token-0123456789abcdef0123"  # a throw-away token for loopback only
HASH_KEY = "bench-caller-hash-key"  # likewise: every step line carries the caller's keyed hash
START_SECONDS = 30
MAX_SECONDS = 60
MAX_CONNECTIONS = 256
METRICS_DIR = Path(tempfile.gettempdir()) / f"ivr-bench-metrics-{os.getpid()}"
LIGHT_CONNECTIONS = 2  # a light load: latency is then the time to answer, not time in the queue

# Beside the bar against the secure floor (bench/bar.py): routes.yaml's first load and a worker's memory.
LIMITS = {"load_ms": 100.0, "rss_mb": 80.0}


def twilio_form(**extra: str) -> dict[str, str]:
    """The fields Twilio posts with every voice webhook, for a call from a Japanese mobile."""
    form = {
        "AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": "CA" + "1" * 32,
        "CallStatus": "in-progress", "Direction": "inbound",
        "Called": "+815012345678", "CalledCountry": "JP", "CalledCity": "", "CalledState": "", "CalledZip": "",
        "Caller": "+819011112222", "CallerCountry": "JP", "CallerCity": "", "CallerState": "", "CallerZip": "",
        "From": "+819011112222", "FromCountry": "JP", "FromCity": "", "FromState": "", "FromZip": "",
        "To": "+815012345678", "ToCountry": "JP", "ToCity": "", "ToState": "", "ToZip": "",
    }
    form.update(extra)
    return form


@dataclass(frozen=True)
class Case:
    """One kind of webhook request."""

    name: str
    path: str
    form: dict[str, str]


def cases() -> list[Case]:
    """A new call (top menu), a key that opens a submenu, a key that gets a desk's answer."""
    from ivr.routesfile.loader import load_routes

    top = load_routes(ROUTES).top
    to_menu = next(o.key for o in top.options if o.menu is not None)
    to_desk = next(o.key for o in top.options if o.desk is not None)
    gathered = {"msg": "Gather End", "FinishedOnKey": ""}
    return [
        Case("top menu (new call)", "/voice", twilio_form()),
        Case(f"key {to_menu}: submenu", "/voice/step?m=top&s=0&f=0", twilio_form(Digits=to_menu, **gathered)),
        Case(f"key {to_desk}: desk answer", "/voice/step?m=top&s=0&f=0", twilio_form(Digits=to_desk, **gathered)),
    ]


FLOOR_CASE = Case("secure floor: form, RequestValidator, constant TwiML", "/voice/step?m=top&s=0&f=0",
                  twilio_form(Digits="1", msg="Gather End", FinishedOnKey=""))
BARE_CASE = Case("bare floor: form, constant TwiML (no signature check)", FLOOR_CASE.path, FLOOR_CASE.form)


def sign(url: str, form: dict[str, str]) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(TOKEN).compute_signature(url, form)


def bench_env() -> dict[str, str]:
    """The line's settings for the run: a throw-away token and caller-hash key, no call records (an
    external database), and metrics shared between workers through files, as deployed (infra/k8s)."""
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_CALLER_HASH_KEY=HASH_KEY, IVR_ROUTES=str(ROUTES),
               IVR_RECORDS_DB="off", PROMETHEUS_MULTIPROC_DIR=str(METRICS_DIR))
    env.pop("IVR_DEV", None)
    env.pop("DATABASE_URL", None)
    return env


class Server:
    """gunicorn with the production config, on a free loopback port."""

    def __init__(self, app: str, workdir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", CONFIG, "--bind", f"127.0.0.1:{self.port}",
             "--pythonpath", str(BENCH), app],
            cwd=workdir, env=bench_env(), stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"gunicorn did not listen within {START_SECONDS} s")

    def post(self, case: Case) -> int:
        url = self.base + case.path
        request = urllib.request.Request(url, data=urlencode(case.form).encode(), method="POST",
                                         headers={"X-Twilio-Signature": sign(url, case.form)})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    def workers(self) -> list[int]:
        return worker_pids(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the master and its workers have used so far."""
        total = 0
        for pid in [self.process.pid, *self.workers()]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (man 5 proc)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


def memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident set and proportional set size, in MB."""
    def field(path: str, name: str) -> float:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    return field(f"/proc/{pid}/status", "VmRSS"), field(f"/proc/{pid}/smaps_rollup", "Pss")


@dataclass(frozen=True)
class Load:
    """What wrk measured for one case."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    cpu_us: float  # the server's CPU time (all its processes) per request served


def median_load(loads: list[Load]) -> Load:
    """The round with the median throughput (its latencies with it); failures summed over rounds."""
    middle = sorted(loads, key=lambda load: load.rps)[len(loads) // 2]
    return Load(middle.rps, middle.p50_ms, middle.p99_ms, sum(l.requests for l in loads), sum(l.bad for l in loads),
                statistics.median(l.cpu_us for l in loads))


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(server: Server, case: Case, seconds: int, connections: int) -> Load:
    """Load one case with wrk; every request carries a valid signature for its URL."""
    url = server.base + case.path
    env = dict(os.environ, BENCH_BODY=urlencode(case.form), BENCH_SIGNATURE=sign(url, case.form))
    threads = min(2, connections)
    cpu = server.cpu_seconds()
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency",
         "-s", str(BENCH / "post.lua"), url],
        env=env, capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout
    cpu = server.cpu_seconds() - cpu
    latency = dict((p, _ms(v, u)) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M))
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        bad += sum(int(n) for n in errors.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50_ms=latency["50"], p99_ms=latency["99"], requests=requests, bad=bad,
                cpu_us=cpu / max(requests, 1) * 1e6)


def without_hooks(app):
    """The app with no step listeners and no after-request hooks (records, metrics, logs)."""
    wired(app).bus.handlers(StepEvent).clear()
    app.after_request_funcs.clear()
    return app


class Served:
    """The app as gunicorn calls it: named by its server (so it writes JSON step lines), stderr discarded."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ["SERVER_SOFTWARE"] = "gunicorn"
        saved, sys.stderr = sys.stderr, self.sink
        try:
            return self.app(environ, start_response)
        finally:
            sys.stderr = saved

    def __enter__(self):
        self.sink = open(os.devnull, "w")
        return self

    def __exit__(self, *exc):
        self.sink.close()


def wsgi_us(app, case: Case, calls: int, repeats: int = 5) -> float:
    """Microseconds per direct WSGI call of `app` for the case (best of `repeats` runs)."""
    from werkzeug.test import EnvironBuilder

    base = "http://bench.local"
    body = urlencode(case.form).encode()
    template = EnvironBuilder(path=case.path.split("?")[0], query_string=case.path.partition("?")[2],
                              method="POST", base_url=base, data=body,
                              content_type="application/x-www-form-urlencoded",
                              headers={"X-Twilio-Signature": sign(base + case.path, case.form)}).get_environ()
    status: list[str] = []

    def start_response(code, headers, exc_info=None):
        status.append(code)

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            environ = dict(template)
            environ["wsgi.input"] = io.BytesIO(body)
            b"".join(app(environ, start_response))
        best = min(best, (time.perf_counter() - started) / calls * 1e6)
    if any(not code.startswith("200") for code in status):
        raise SystemExit(f"{case.name}: in-process call answered {set(status)}")
    return best


def routes_load_ms() -> tuple[float, float]:
    """routes.yaml load time in ms, with the callers' examples the line reads beside it: first load
    in a fresh process (schema compiled, examples indexed), then warm median (as a reload: the
    examples, unchanged, from their memo)."""
    script = (
        "import sys, time, statistics\n"
        "from ivr.routesfile.examples import load_examples\n"
        "from ivr.routesfile.loader import load_routes\n"
        "t = time.perf_counter(); load_routes(sys.argv[1]); load_examples(); cold = time.perf_counter() - t\n"
        "warm = []\n"
        "for _ in range(20):\n"
        "    t = time.perf_counter(); load_routes(sys.argv[1]); load_examples(); warm.append(time.perf_counter() - t)\n"
        "print(cold * 1000, statistics.median(warm) * 1000)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(ROUTES)], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    return float(out[0]), float(out[1])


LOAD_AT_START = os.getloadavg()[0]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}, "
            f"load average {LOAD_AT_START:.1f} at the start, {load:.1f} at the end")


def verdicts(paired: dict[str, tuple[float, float]], load_ms: tuple[float, float],
             memory: dict[str, list[tuple[float, float]]]) -> list[Verdict]:
    """The bar against the secure floor for every step, then the limits on loading and memory."""
    line_rss = max(rss for rss, _ in memory["line"])
    return [*http_verdicts(paired),
            Verdict(f"routes.yaml's first load ≤ {LIMITS['load_ms']:.0f} ms", "",
                    f"{load_ms[0]:.1f} ms", load_ms[0] <= LIMITS["load_ms"]),
            Verdict(f"≤ {LIMITS['rss_mb']:.0f} MB RSS per worker", "", f"{line_rss:.1f} MB (largest worker)",
                    line_rss <= LIMITS["rss_mb"])]


def report(args, loads: dict[str, Load], floor: Load, bare: Load, inproc: dict[str, float], floor_us: float,
           bare_us: float, load_ms: tuple[float, float], memory: dict[str, list[tuple[float, float]]],
           workers: int, light: dict[str, Load], parts: dict[str, float], werkzeug_us: float,
           paired: dict[str, tuple[float, float]], judged: list[Verdict]) -> str:
    menu = cases()[1].name
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}; gunicorn {workers} gthread "
        f"workers (ivr/operators/gunicorn_conf.py), wrk {args.connections} connections × {args.seconds} s per row, "
        f"{args.rounds} rounds, each line row paired with a secure-floor row run just before or after it "
        "(in turn); figures are medians over the rounds, and the ratios medians of the ratios within "
        "pairs; wrk on the same CPUs as the servers; server CPU: the user and system time of "
        "gunicorn's master and workers over a row, per request served. "
        "Every line request is signed and its signature checked; metrics are shared between workers "
        "through files (PROMETHEUS_MULTIPROC_DIR), as deployed; in-process: best of 3 × "
        f"{args.calls} direct WSGI calls, the line as under gunicorn (its JSON step lines written, to /dev/null). Ratios are against the secure floor.",
        "",
        "| step | requests/s | p50 ms | p99 ms | requests/s × floor | p99 × floor | server CPU µs/request | "
        "in-process µs/step | in-process × floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {FLOOR_CASE.name} | {floor.rps:,.0f} | {floor.p50_ms:.2f} | {floor.p99_ms:.2f} | 1.00 | 1.00 | "
        f"{floor.cpu_us:.0f} | {floor_us:.0f} | 1.00 |",
        f"| {BARE_CASE.name} | {bare.rps:,.0f} | {bare.p50_ms:.2f} | {bare.p99_ms:.2f} | {bare.rps / floor.rps:.2f} | "
        f"{bare.p99_ms / floor.p99_ms:.2f} | {bare.cpu_us:.0f} | {bare_us:.0f} | {bare_us / floor_us:.2f} |",
    ]
    for name, load in loads.items():
        lines.append(f"| {name} | {load.rps:,.0f} | {load.p50_ms:.2f} | {load.p99_ms:.2f} | "
                     f"{paired[name][0]:.2f} | {paired[name][1]:.2f} | {load.cpu_us:.0f} | "
                     f"{inproc[name]:.0f} | {inproc[name] / floor_us:.2f} |")
    line_rss = max(rss for rss, _ in memory["line"])
    line_pss = statistics.mean(pss for _, pss in memory["line"])
    floor_rss = max(rss for rss, _ in memory["floor"])
    server_pss = sum(pss for _, pss in memory["line"] + memory["line master"])
    lines += [
        "",
        f"- Where the in-process time of {menu} goes: all {inproc[menu]:.0f} µs (as under gunicorn: its JSON "
        "step line written); "
        + "; ".join(f"{name} {us:.0f} µs" for name, us in parts.items())
        + f"; the secure floor {floor_us:.0f} µs, the bare floor {bare_us:.0f} µs; for comparison, "
        f"werkzeug alone (no Flask) answering the bare floor's request {werkzeug_us:.0f} µs.",
        f"- Light load ({LIGHT_CONNECTIONS} connections), {menu}: {light['line'].rps:,.0f} requests/s, "
        f"p50 {light['line'].p50_ms:.2f} ms, p99 {light['line'].p99_ms:.2f} ms; secure floor: "
        f"{light['floor'].rps:,.0f} requests/s, p50 {light['floor'].p50_ms:.2f} ms, p99 {light['floor'].p99_ms:.2f} ms.",
        f"- routes.yaml load, with the callers' examples: {load_ms[0]:.1f} ms the first time in a process "
        f"(schema compiled, examples indexed), {load_ms[1]:.1f} ms after that.",
        f"- Worker memory, line: {line_rss:.1f} MB RSS (largest worker), {line_pss:.1f} MB PSS on average "
        f"(the app is preloaded and shared copy-on-write); master and {workers} workers together "
        f"{server_pss:.0f} MB PSS; secure floor: {floor_rss:.1f} MB RSS per worker.",
        "",
        f"The bar, for every step of the line (the step nearest to each limit shown), in this run: "
        f"**{'held' if held(judged) else 'MISSED'}**",
        "",
        *(verdict.line() for verdict in judged),
    ]
    return "\n".join(lines) + "\n"


RUN_START, RUN_END = "<!-- run: written by bench/run.py --write -->", "<!-- end of run -->"


def write_results(text: str) -> None:
    """Put the run into bench/RESULTS.md between its markers, keeping the notes around it."""
    results = BENCH / "RESULTS.md"
    block = f"{RUN_START}\n{text}{RUN_END}"
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    if RUN_START in old and RUN_END in old:
        before, rest = old.split(RUN_START, 1)
        new = before + block + rest.split(RUN_END, 1)[1]
    else:
        new = f"# Benchmark results\n\n`python bench/run.py --write`\n\n{block}\n" + old
    results.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per row (at most 60)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (at most 256)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of paired rows; medians are reported")
    parser.add_argument("--calls", type=int, default=2000, help="in-process calls per timing run")
    parser.add_argument("--write", action="store_true", help="also write bench/RESULTS.md")
    args = parser.parse_args()
    args.seconds = max(1, min(args.seconds, MAX_SECONDS))
    args.connections = max(1, min(args.connections, MAX_CONNECTIONS))
    args.rounds = max(1, min(args.rounds, 9))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (Debian/Ubuntu)")
    sys.path.insert(0, str(BENCH))
    global ROUTES
    snapshot = Path(tempfile.mkdtemp(prefix="ivr-bench-routes-")) / "routes.yaml"
    shutil.copyfile(ROUTES, snapshot)  # a file nobody edits during the run: no reloads mid-measure
    ROUTES = snapshot
    atexit.register(shutil.rmtree, snapshot.parent, True)
    os.environ.update({k: v for k, v in bench_env().items() if k.startswith(("IVR_", "TWILIO_", "PROMETHEUS_"))})
    os.environ.pop("DATABASE_URL", None)
    METRICS_DIR.mkdir()
    atexit.register(shutil.rmtree, METRICS_DIR, True)

    from floor import create_app as create_bare_floor
    from floor import create_secure_app, create_werkzeug_app
    from ivr.app import create_app

    steps = cases()
    line_app, floor_app, bare_floor_app = create_app(), create_secure_app(), create_bare_floor()
    bare_app = without_hooks(create_app())
    unsigned_app = without_hooks(create_app({"auth_token": "", "dev": True}))
    werkzeug_app = create_werkzeug_app()
    floor_us, bare_us, werkzeug_us = float("inf"), float("inf"), float("inf")
    inproc = {case.name: float("inf") for case in steps}
    menu = steps[1]
    parts = {"without its JSON step line": float("inf"),
             "without step listeners and after-request hooks": float("inf"),
             "... and without the signature check": float("inf")}
    with Served(line_app) as served_app:
        for _ in range(3):  # interleaved, best of each
            floor_us = min(floor_us, wsgi_us(floor_app, FLOOR_CASE, args.calls))
            bare_us = min(bare_us, wsgi_us(bare_floor_app, BARE_CASE, args.calls))
            werkzeug_us = min(werkzeug_us, wsgi_us(werkzeug_app, FLOOR_CASE, args.calls))
            for case in steps:
                inproc[case.name] = min(inproc[case.name], wsgi_us(served_app, case, args.calls))
            for name, app in zip(parts, (line_app, bare_app, unsigned_app)):
                parts[name] = min(parts[name], wsgi_us(app, menu, args.calls))
    load_ms = routes_load_ms()

    rounds: dict[str, list[Load]] = {case.name: [] for case in [FLOOR_CASE, BARE_CASE, *steps]}
    ratios: dict[str, list[tuple[float, float]]] = {case.name: [] for case in steps}
    memory: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="ivr-bench-") as workdir:
        floor_server = Server("floor:create_secure_app()", Path(workdir))
        bare_server = Server("floor:create_app()", Path(workdir))
        line_server = Server("ivr.app:create_app()", Path(workdir))
        try:
            assert floor_server.post(FLOOR_CASE) == 200 and bare_server.post(BARE_CASE) == 200
            for case in steps:
                assert line_server.post(case) == 200, case.name
            wrk(floor_server, FLOOR_CASE, 2, args.connections)  # warm up
            wrk(bare_server, BARE_CASE, 2, args.connections)
            wrk(line_server, steps[0], 2, args.connections)
            for number in range(args.rounds):
                # Each line row is paired with a floor row run just before or after it (in turn), and
                # judged by the ratio within its pair: throughput on a shared machine drifts by tens
                # of percent over a run, which pairing cancels.
                rounds[BARE_CASE.name].append(wrk(bare_server, BARE_CASE, args.seconds, args.connections))
                for case in steps if number % 2 == 0 else steps[::-1]:
                    pair = [(floor_server, FLOOR_CASE), (line_server, case)]
                    measured = {c.name: wrk(server, c, args.seconds, args.connections)
                                for server, c in (pair if number % 2 == 0 else pair[::-1])}
                    base, load = measured[FLOOR_CASE.name], measured[case.name]
                    rounds[FLOOR_CASE.name].append(base)
                    rounds[case.name].append(load)
                    ratios[case.name].append((load.rps / base.rps, load.p99_ms / base.p99_ms))
            light = {"floor": wrk(floor_server, FLOOR_CASE, args.seconds, LIGHT_CONNECTIONS),
                     "line": wrk(line_server, steps[1], args.seconds, LIGHT_CONNECTIONS)}
            memory["floor"] = [memory_mb(pid) for pid in floor_server.workers()]
            memory["line"] = [memory_mb(pid) for pid in line_server.workers()]
            memory["line master"] = [memory_mb(line_server.process.pid)]
            workers = len(memory["line"])
        finally:
            floor_server.stop()
            bare_server.stop()
            line_server.stop()
    medians = {name: median_load(loads) for name, loads in rounds.items()}
    floor = medians.pop(FLOOR_CASE.name)
    bare = medians.pop(BARE_CASE.name)
    loads = medians
    bad = {name: load.bad for name, load in {**loads, "floor": floor, "bare floor": bare,
                                             **{f"light {k}": v for k, v in light.items()}}.items()
           if load.bad}
    if bad:
        raise SystemExit(f"requests that failed (non-2xx or socket errors): {bad}")

    paired = {name: (statistics.median(r for r, _ in pairs), statistics.median(p for _, p in pairs))
              for name, pairs in ratios.items()}
    judged = verdicts(paired, load_ms, memory)
    text = report(args, loads, floor, bare, inproc, floor_us, bare_us, load_ms, memory, workers, light, parts,
                  werkzeug_us, paired, judged)
    print(text)
    if args.write:
        write_results(text)
    if not held(judged):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
