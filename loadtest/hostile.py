"""A real `ivr serve` under hostile input and operator mistakes, answering signed calls throughout.

In turn, while a caller places signed calls one after another:

- a good edit of routes.yaml is published (every later call must hear it);
- a YAML alias bomb, a recursive alias, a 50 MB file and a FIFO (which blocks whoever opens it to
  read) are published as routes.yaml;
- one worker gets SIGTERM; the master gets SIGHUP;
- three clients send 2 MB unsigned bodies;
- 50 slow connections are held open (the start of a request, then nothing).

Every call must be answered with TwiML in the edited greeting within 3 s. Then `ivr check` is
timed on each bad file (it must end with exit 1, naming the file and line). Everything runs on
127.0.0.1 and is bounded in time.

    python loadtest/hostile.py [--workers 3] [--seconds 4]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from twilio.request_validator import RequestValidator

from ivr.operators.server import free_port, stop_process, worker_pids

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ROOT / "routes.yaml"
TOKEN = "hostile-token-0123456789abcdef01"  # a throw-away token for loopback only
GREETING = "迷惑メール相談のご案内です。"
EDITED = "迷惑メール相談の、ご案内です。"  # what callers hear once the good edit is served
LIMIT = 3.0  # seconds: every signed call is answered within this
SLOW_CLIENTS = 50
BIG_BODY = 2_000_000
START_SECONDS = 30


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs: each level lists the one before nine times (about 350 bytes)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


RECURSIVE_ALIAS = "version: 1\nx: &x [*x]\n"


@dataclass
class Call:
    phase: str
    seconds: float
    status: int
    edited: bool | None  # None: not TwiML with either greeting


@dataclass
class Result:
    workers: int
    calls: list[Call] = field(default_factory=list)
    big_bodies: list[tuple[float, str]] = field(default_factory=list)
    checks: dict[str, tuple[float, int, str]] = field(default_factory=dict)
    phases: list[str] = field(default_factory=list)

    def of(self, phase: str) -> list[Call]:
        return [c for c in self.calls if c.phase == phase]

    def failures(self) -> list[Call]:
        """Calls not answered with TwiML within LIMIT, or (after the edit was served) in the old words."""
        bad = []
        for call in self.calls:
            # before the edit, the shipped greeting; while it is published, either; after, the edit
            expected = {"start": False, "good edit published": None}.get(call.phase, True)
            if call.status != 200 or call.edited is None or call.seconds >= LIMIT:
                bad.append(call)
            elif expected is not None and call.edited is not expected:
                bad.append(call)
        return bad


class Server:
    """`ivr serve` from a scratch directory, its output in serve.log."""

    def __init__(self, workdir: Path, routes: Path, workers: int):
        self.port = free_port()
        self.workers_wanted = workers
        self.log_path = workdir / "serve.log"
        env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_ROUTES=str(routes), IVR_RECORDS_DB="off",
                   IVR_METRICS_BIND=f"127.0.0.1:{free_port()}")
        for name in ("IVR_DEV", "PROMETHEUS_MULTIPROC_DIR", "IVR_TRUSTED_PROXIES", "DATABASE_URL"):
            env.pop(name, None)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ivr", "serve", "--port", str(self.port), "--workers", str(workers)],
                cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait(lambda: self.healthy() and len(self.workers()) == workers, START_SECONDS, "start")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def workers(self) -> list[int]:
        return worker_pids(self.process.pid)

    def wait(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ivr serve exited during {what}:\n{self.log_path.read_text()}")
            if condition():
                return
            time.sleep(0.1)
        raise RuntimeError(f"timed out waiting for {what}")

    def replaced(self, before: list[int]) -> None:
        """Wait until every worker in `before` is gone and the full count runs again."""
        self.wait(lambda: len(self.workers()) == self.workers_wanted and not set(self.workers()) & set(before),
                  30, "workers to be replaced")

    def stop(self) -> None:
        stop_process(self.process)


def signed_call(port: int) -> tuple[float, int, bool | None]:
    """A new call as Twilio places it: seconds, status, and whether it heard the edited greeting."""
    url = f"http://127.0.0.1:{port}/voice"
    params = {"CallSid": "CA" + "3" * 32, "From": "+819011112222", "To": "+815012345678"}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers={
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params)})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        status, body = error.code, ""
    except OSError:
        status, body = 0, ""
    seconds = time.monotonic() - started
    if not (body.startswith("<?xml") and "<Response>" in body):
        return seconds, status, None
    return seconds, status, (True if EDITED in body else False if GREETING in body else None)


class Caller(threading.Thread):
    """Places signed calls one after another, each labelled with the phase it fell in."""

    def __init__(self, port: int, result: Result):
        super().__init__(daemon=True)
        self.port, self.result = port, result
        self.phase = "start"
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            phase = self.phase
            seconds, status, edited = signed_call(self.port)
            self.result.calls.append(Call(phase, seconds, status, edited))
            time.sleep(0.05)


def publish(target: Path, data: bytes | None) -> None:
    """Replace routes.yaml at once, as a ConfigMap update does; with a FIFO when `data` is None."""
    fresh = target.with_name(".publishing")
    if data is None:
        os.mkfifo(fresh)
    else:
        fresh.write_bytes(data)
    os.replace(fresh, target)


def fifty_megabytes() -> bytes:
    return (b"# " + b"x" * 1021 + b"\n") * (50 * 1024) + ROUTES.read_bytes()


def send_big_unsigned_body(port: int, out: list) -> None:
    body = b"From=%2B819011112222&Junk=" + b"x" * BIG_BODY
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            reply = sock.recv(64).split(b"\r\n")[0].decode("latin-1") or "closed"
    except OSError as error:  # the server may answer 403 and close before the body is all sent
        reply = f"connection closed ({error.__class__.__name__})"
    out.append((time.monotonic() - started, reply))


def big_bodies(port: int, result: Result) -> None:
    senders = [threading.Thread(target=send_big_unsigned_body, args=(port, result.big_bodies))
               for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(30)


def slow_connections(port: int, seconds: float) -> None:
    held = []
    try:
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twilio-Signature: x")
            held.append(sock)
        time.sleep(seconds)
    finally:
        for sock in held:
            sock.close()


def time_check(path: Path) -> tuple[float, int, str]:
    """`ivr check` on a file: seconds, exit status, first line of its errors."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ivr", "check", str(path)], capture_output=True,
                          text=True, timeout=60)
    first = (done.stderr.splitlines() or [""])[0]
    return time.monotonic() - started, done.returncode, first


def run(workdir: Path, workers: int = 3, seconds: float = 4.0) -> Result:
    """The whole sequence against one `ivr serve`; `seconds` of calls after each event."""
    routes = workdir / "routes.yaml"
    routes.write_bytes(ROUTES.read_bytes())
    bad = {"alias bomb": alias_bomb().encode(), "recursive alias": RECURSIVE_ALIAS.encode(),
           "50 MB file": fifty_megabytes(), "FIFO": None}
    result = Result(workers)
    server = Server(workdir, routes, workers)
    caller = Caller(server.port, result)

    def phase(name: str) -> None:
        result.phases.append(name)
        caller.phase = name

    try:
        caller.start()
        time.sleep(seconds / 2)
        phase("good edit published")
        publish(routes, ROUTES.read_text("utf-8").replace(f"greeting: {GREETING}",
                                                          f"greeting: {EDITED}").encode("utf-8"))
        time.sleep(seconds)
        for name, data in bad.items():
            phase(f"{name} published")
            publish(routes, data)
            time.sleep(seconds)
        phase("one worker given SIGTERM")
        before = server.workers()
        os.kill(before[0], signal.SIGTERM)
        server.replaced(before[:1])
        time.sleep(seconds)
        phase("master given SIGHUP")
        before = server.workers()
        os.kill(server.process.pid, signal.SIGHUP)
        server.replaced(before)
        time.sleep(seconds)
        phase("three 2 MB unsigned bodies")
        big_bodies(server.port, result)
        time.sleep(seconds / 2)
        phase(f"{SLOW_CLIENTS} slow connections open")
        slow_connections(server.port, seconds)
        phase("after")
        time.sleep(seconds / 2)
    finally:
        caller.stopping.set()
        caller.join(15)
        server.stop()
    for name, data in bad.items():
        path = workdir / f"{name.replace(' ', '_')}.yaml"
        publish(path, data)
        result.checks[name] = time_check(path)
    return result


def report(result: Result) -> str:
    lines = [f"`ivr serve` with {result.workers} workers on 127.0.0.1; signed calls one after another",
             "", "| while | calls | answered with TwiML | p50 s | slowest s |", "|---|---:|---:|---:|---:|"]
    for name in ["start", *result.phases]:
        calls = result.of(name)
        if not calls:
            continue
        good = sum(1 for c in calls if c.status == 200 and c.edited is not None)
        times = [c.seconds for c in calls]
        lines.append(f"| {name} | {len(calls)} | {good} | {statistics.median(times):.3f} | {max(times):.3f} |")
    lines += ["", f"Failures (not TwiML in the expected words within {LIMIT:.0f} s): {len(result.failures())}",
              "", "| 2 MB unsigned body | seconds | reply |", "|---|---:|---|"]
    lines += [f"| {i} | {took:.2f} | {reply} |" for i, (took, reply) in enumerate(result.big_bodies, 1)]
    lines += ["", "| `ivr check` on | seconds | exit | first line |", "|---|---:|---:|---|"]
    lines += [f"| {name} | {took:.2f} | {code} | `{first[:90]}` |"
              for name, (took, code, first) in result.checks.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of calls after each event")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ivr-hostile-") as workdir:
        result = run(Path(workdir), args.workers, args.seconds)
    print(report(result))
    sys.exit(1 if result.failures() else 0)


if __name__ == "__main__":
    main()
