"""`ivr serve` in production mode: gunicorn workers whose metrics and /healthz speak for the whole server."""

from __future__ import annotations

import json
import os
import signal
import socket
import urllib.error
import urllib.parse
import urllib.request

import pytest
from helpers import ROUTES, Served, fetch_health, post_voice, sign, wait_for

CALLS = 12
NOWHERE = "postgresql+psycopg://ivr@127.0.0.1:1/records"  # a PostgreSQL that never answers


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
        return response.read().decode("utf-8")


def voice_requests(metrics: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("ivr_http_requests_total{") and 'endpoint="ivr.voice"' in line)


def test_metrics_add_up_over_every_worker_on_their_own_port_only(tmp_path):
    """/metrics is served by the gunicorn master on IVR_METRICS_BIND, summed over every worker,
    one that ended included; the public webhook port has no /metrics."""
    with Served(tmp_path, ROUTES, workers=3) as served:
        for _ in range(CALLS):
            assert "迷惑メール相談のご案内です。" in post_voice(served.port)
        assert voice_requests(scrape(served.metrics_port)) == CALLS
        with pytest.raises(urllib.error.HTTPError) as refused:
            scrape(served.port)
        assert refused.value.code == 404
        worker = served.workers()[0]
        os.kill(worker, signal.SIGTERM)
        wait_for(lambda: worker not in served.workers() and len(served.workers()) == 3)
        assert voice_requests(scrape(served.metrics_port)) == CALLS
        assert fetch_health(served.port)["status"] == "ok"


def calls_spread_over_workers(port: int, count: int) -> list[bytes]:
    """`count` new calls, each on its own connection, all opened before any is finished: a worker
    holds at most 33 connections, so more than that are answered by more than one worker."""
    url = f"http://127.0.0.1:{port}/voice"
    held = []
    for n in range(count):
        params = {"CallSid": f"CA{n:032x}", "From": "+819011112222", "To": "+815012345678"}
        body = urllib.parse.urlencode(params).encode()
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        head = (f"POST /voice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"X-Twilio-Signature: {sign(url, params)}\r\nContent-Length: {len(body)}\r\n\r\n")
        sock.sendall(head.encode() + body[:10])
        held.append((sock, body[10:]))
    replies = []
    for sock, rest in held:
        sock.sendall(rest)
        sock.shutdown(socket.SHUT_WR)  # nothing more to send: gunicorn need not wait for it before closing
    for sock, _ in held:
        with sock:
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
            replies.append(reply)
    return replies


def test_healthz_shows_the_whole_servers_record_queue(tmp_path):
    """Records wait in every worker (the database never answers): any worker's /healthz counts them all."""
    with Served(tmp_path, ROUTES, workers=3, DATABASE_URL=NOWHERE, IVR_RECORDS_SPOOL=str(tmp_path / "spool"),
                IVR_CALLER_HASH_KEY="k" * 32) as served:
        replies = calls_spread_over_workers(served.port, 40)
        assert all(reply.startswith(b"HTTP/1.1 200") for reply in replies), replies[0][:200]
        wait_for(lambda: fetch_health(served.port)["records"]["queued"] == 40)
        for _ in range(12):  # whichever worker answers
            records = fetch_health(served.port)["records"]
            assert records["queued"] == 40 and records["oldest_queued_seconds"] > 0, records
            assert records["written"] == 0 and records["lost"] == 0, records


def test_healthz_names_a_fault_and_never_a_path_host_or_exception(tmp_path):
    """/healthz is unauthenticated: the database's host and port, the spool's path and the
    exceptions' text are in the log, and /healthz says what kind of fault it is."""
    not_a_directory = tmp_path / "not-a-directory"
    not_a_directory.write_text("")
    with Served(tmp_path, ROUTES, workers=1, DATABASE_URL=NOWHERE,
                IVR_RECORDS_SPOOL=str(not_a_directory / "spool"), IVR_CALLER_HASH_KEY="k" * 32) as served:
        post_voice(served.port)
        records = wait_for(lambda: fetch_health(served.port)["records"]["last_write_error"] and
                           fetch_health(served.port)["records"])
        with urllib.request.urlopen(served.url("/healthz"), timeout=2) as response:
            body = response.read().decode("utf-8")
    assert records["last_write_error"]["error"] == "the database cannot be reached", records
    assert records["spool_error"] == "the spool directory cannot be written", records
    assert records["spool"] is True
    for detail in (str(tmp_path), "127.0.0.1", "port 1", "Errno", "psycopg", "OperationalError", "/tmp"):
        assert detail not in body, (detail, json.loads(body))
    log = served.log()
    assert "127.0.0.1" in log and str(not_a_directory / "spool") in log, "the details are in the log"


def test_a_metrics_port_already_taken_leaves_the_line_up_and_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with Served(tmp_path, ROUTES, workers=1, IVR_METRICS_BIND=f"127.0.0.1:{port}") as served:
            assert "迷惑メール相談のご案内です。" in post_voice(served.port)
            assert f"/metrics cannot be served on 127.0.0.1:{port}" in served.log()


@pytest.mark.parametrize("bind", ["9464", "localhost", "0.0.0.0:99999", ":9464"])
def test_a_metrics_address_that_is_not_host_and_port_stops_the_start(bind):
    from ivr.settings import ConfigError, Settings

    with pytest.raises(ConfigError, match="IVR_METRICS_BIND"):
        Settings.from_environ({"IVR_METRICS_BIND": bind})
    assert Settings.from_environ({"IVR_METRICS_BIND": "off"}).metrics_address is None
    assert Settings.from_environ({}).metrics_address == ("127.0.0.1", 9464)
