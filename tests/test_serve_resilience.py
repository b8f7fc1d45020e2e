"""A real `ivr serve`: one worker's end, slow clients, big bodies and forged proxy headers leave the line up."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.request

from helpers import Served, fetch_health, served_together, signed_call, wait_for

GREETING = "迷惑メール相談のご案内です。"
SLOW_CLIENTS = 50


def answered(port: int, timeout: float = 5.0) -> tuple[float, str]:
    """Seconds for one signed new call, and its greeting-bearing TwiML (status 200 and XML required)."""
    started = time.monotonic()
    status, body = signed_call(port, timeout=timeout)
    seconds = time.monotonic() - started
    assert status == 200 and body.startswith("<?xml") and "<Response>" in body, (status, body[:300])
    return seconds, body


def replaced(served: Served, before: list[int], seconds: float = 20.0) -> list[int]:
    """Wait until the master runs its full count of workers again, none of them in `before`."""
    def done():
        now = served.workers()
        return now if len(now) == served.expected_workers and not set(now) & set(before) else None
    return wait_for(done, seconds)


def test_a_worker_that_ends_leaves_every_later_call_answered(tmp_path, routes_copy):
    with Served(tmp_path, routes_copy, workers=2) as served:
        first = served.workers()
        os.kill(first[0], signal.SIGTERM)
        wait_for(lambda: first[0] not in served.workers() and len(served.workers()) == 2)
        for _ in range(10):
            assert GREETING in answered(served.port)[1]
        os.kill(served.process.pid, signal.SIGHUP)  # a graceful reload: every worker is replaced
        replaced(served, served.workers())
        for _ in range(10):
            assert GREETING in answered(served.port)[1]
        assert fetch_health(served.port)["status"] == "ok"
        assert "FileNotFoundError" not in served.log()


def test_a_restarted_worker_serves_the_last_good_routes_not_the_boot_ones(tmp_path, routes_copy):
    edited = "迷惑メール相談の、新しいご案内です。"
    with Served(tmp_path, routes_copy, workers=2) as served:
        text = routes_copy.read_text("utf-8")
        routes_copy.write_text(text.replace(f"greeting: {GREETING}", f"greeting: {edited}"), "utf-8")
        wait_for(lambda: edited in answered(served.port)[1])
        routes_copy.write_text("version: 1\nx: &x [*x]\n", "utf-8")
        wait_for(lambda: fetch_health(served.port)["last_refused_reload"])
        for worker in served.workers():
            os.kill(worker, signal.SIGTERM)
            wait_for(lambda: worker not in served.workers() and len(served.workers()) == 2)
        heard = [answered(served.port)[1] for _ in range(20)]
        assert all(edited in body for body in heard), sum(GREETING in body for body in heard)
        health = fetch_health(served.port)
        assert "anchor (&x)" in health["last_refused_reload"]["error"]


def test_one_json_line_per_request_and_no_caller_number_in_it(tmp_path, routes_copy):
    """A request refused (here a GET to a webhook) and /healthz get gunicorn's access line (path, status, time only); a
    webhook step gets its step line instead, never both."""
    with Served(tmp_path, routes_copy, workers=1) as served:
        number = "819011112222"
        url = served.url(f"/voice/step?m=top&s=0&f=0&From=%2B{number}&Caller=%2B{number}")
        try:
            urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError:
            pass
        answered(served.port)
        fetch_health(served.port)

        def logged():  # lines are written after the answer is sent, each when its request ends
            entries = served.json_lines()
            events = [entry["event"] for entry in entries]
            paths = {entry["path"] for entry in entries if entry["event"] == "access"}
            # the refused GET's own line, not only the start-up probes' (/healthz)
            return entries if "step" in events and {"/voice/step", "/healthz"} <= paths else None

        entries = wait_for(logged)
    assert number not in served.log()
    access = [entry for entry in entries if entry["event"] == "access"]
    for entry in access:
        assert set(entry) == {"event", "time", "path", "status", "ms"}, entry
    assert [(entry["path"], entry["status"]) for entry in access if entry["path"] != "/healthz"] == [
        ("/voice/step", 405)]  # a GET: refused before any step
    assert ("/healthz", 200) in [(entry["path"], entry["status"]) for entry in access]
    steps = [entry for entry in entries if entry["event"] == "step"]
    assert [(entry["endpoint"], entry["outcome"]) for entry in steps] == [("ivr.voice", "menu")]


def test_forwarded_headers_are_not_trusted_unless_configured(tmp_path, routes_copy):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "ivr.example.jp"}
    (tmp_path / "direct").mkdir()
    (tmp_path / "proxied").mkdir()
    trusting = Served(tmp_path / "proxied", routes_copy, workers=1, IVR_TRUSTED_PROXIES="1")
    with served_together(Served(tmp_path / "direct", routes_copy, workers=1), trusting) as (served, proxied):
        status, _ = signed_call(served.port, scheme_host=f"https://127.0.0.1:{served.port}",
                                headers={"X-Forwarded-Proto": "https"})
        assert status == 403
        status, _ = signed_call(served.port, scheme_host="https://ivr.example.jp", headers=forged)
        assert status == 403
        assert signed_call(served.port)[0] == 200
        status, _ = signed_call(proxied.port, scheme_host="https://ivr.example.jp", headers=forged)
        assert status == 200


def hold_slow_connections(port: int, count: int) -> list[socket.socket]:
    """Connections that send the start of a request and then nothing more (slowloris)."""
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twilio-Signature: x")
        held.append(sock)
    return held


def test_slow_clients_do_not_starve_signed_calls(tmp_path, routes_copy):
    with Served(tmp_path, routes_copy, workers=2) as served:
        held = hold_slow_connections(served.port, SLOW_CLIENTS)
        try:
            time.sleep(1.0)
            seconds = [answered(served.port, timeout=10)[0] for _ in range(10)]
        finally:
            for sock in held:
                sock.close()
    assert max(seconds) < 1.0, seconds


def server_side_connections(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to `port` each of `pids` holds (from /proc: its socket
    descriptors, matched to the kernel's table of TCP sockets)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    held = {}
    for pid in pids:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        held[pid] = len(inodes & established)
    return held


def test_a_worker_whose_every_thread_is_held_takes_no_call(tmp_path, routes_copy):
    """Slow clients are opened until one worker holds exactly as many as it has threads (32): a
    call that worker accepted would wait behind them for ever, so it must accept none, and every
    call goes to the other worker."""
    with Served(tmp_path, routes_copy, workers=2) as served:
        workers = served.workers()
        held = []
        try:
            counts = {}
            for _ in range(2 * 32 - 1):
                held += hold_slow_connections(served.port, 1)
                counts = wait_for(lambda: (lambda now: now if sum(now.values()) == len(held) else None)(
                    server_side_connections(workers, served.port)), 5)
                if max(counts.values()) == 32:
                    break
            assert max(counts.values()) == 32, counts
            seconds = [answered(served.port, timeout=3)[0] for _ in range(10)]
        finally:
            for sock in held:
                sock.close()
    assert max(seconds) < 1.0, seconds


def send_big_unsigned_body(port: int, size: int, results: list) -> None:
    body = b"From=%2B819011112222&Junk=" + b"x" * size
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n")
            sock.sendall(body)
            reply = sock.recv(64)
    except OSError as error:  # the server may close the connection before the body is sent
        reply = repr(error).encode()
    results.append((time.monotonic() - started, reply))


def test_big_unsigned_bodies_are_refused_without_slowing_calls(tmp_path, routes_copy):
    with Served(tmp_path, routes_copy, workers=2) as served:
        results: list = []
        senders = [threading.Thread(target=send_big_unsigned_body, args=(served.port, 2_000_000, results))
                   for _ in range(3)]
        for sender in senders:
            sender.start()
        seconds = [answered(served.port, timeout=10)[0] for _ in range(5)]
        for sender in senders:
            sender.join(15)
    assert max(seconds) < 1.0, seconds
    assert len(results) == 3
    for took, reply in results:
        assert not reply.startswith(b"HTTP/1.1 200"), reply
        assert took < 3.0, results


def test_workers_recycled_by_max_requests_serve_the_last_good_routes(tmp_path, routes_copy):
    """The image's gunicorn command, its workers replaced every few requests (max-requests)."""
    edited = "迷惑メール相談の、新しいご案内です。"
    served = Served(tmp_path, routes_copy, workers=2, image=True)
    served.args += ["--max-requests", "4"]
    with served:
        port = served.port
        text = routes_copy.read_text("utf-8")
        routes_copy.write_text(text.replace(f"greeting: {GREETING}", f"greeting: {edited}"), "utf-8")
        wait_for(lambda: edited in answered(port)[1])
        # Workers look at the file at most once a second: past that, none serves the boot file.
        time.sleep(1.5)
        routes_copy.write_text("version: 1\nx: &x [*x]\n", "utf-8")
        heard = [answered(port)[1] for _ in range(24)]  # every worker replaced several times over
    assert "Autorestarting worker" in served.log()
    assert all(edited in body for body in heard), sum(GREETING in body for body in heard)
