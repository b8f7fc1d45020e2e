"""Stand-ins for Twilio's REST API, shared by every test module (conftest.py registers this module
as a plugin): Stoplight Prism serving Twilio's own OpenAPI description behind a recording proxy
(`prism`, `twilio`), and a stand-in that answers Messages create with a fixed failure or never
(`stand_in`).

Prism refuses (422) any request that breaks the description; the recording proxy keeps each
request exactly as it went over the wire.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import ROOT, free_port

PRISM = ROOT / "tests" / "prism" / "node_modules" / ".bin" / "prism"
SPEC = ROOT.parent / "shared" / "reference" / "twilio-oai" / "twilio_api_v2010.yaml"
ACCOUNT = "AC" + "a" * 32  # the account of the spec's examples, which Prism serves
START_SECONDS = 90

needs_prism = pytest.mark.skipif(
    not PRISM.exists() or not SPEC.exists() or shutil.which("node") is None,
    reason="Twilio stand-in not installed: run `npm ci --prefix tests/prism` (Node 20) and keep "
           "../shared/reference/twilio-oai beside the repository (.ci/setup.d/prism.sh does it in CI)",
)


@pytest.fixture(scope="module")
def prism(tmp_path_factory):
    """Prism mocking Twilio's 2010-04-01 API on a free loopback port; stopped after the module."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("prism") / "prism.log", "wb")
    process = subprocess.Popen([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"prism exited with {process.returncode}: {open(log.name).read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"prism did not listen within {START_SECONDS} s")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Recorder(BaseHTTPRequestHandler):
    """Forwards each request to Prism unchanged, and keeps it and Prism's status."""

    upstream: tuple[str, int]
    seen: list[dict]

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        self.seen.append({
            "method": self.command, "path": url.path, "query": parse_qs(url.query),
            "form": parse_qs(body.decode()) if body else {},
            "authorization": self.headers.get("Authorization", ""),
            "content_type": self.headers.get("Content-Type", ""),
        })
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.seen[-1]["status"] = response.status
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in {"transfer-encoding", "connection", "keep-alive", "content-length"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def twilio(prism):
    """A recording proxy in front of Prism: its URL, and the requests it saw."""
    seen: list[dict] = []
    parts = urlsplit(prism)
    handler = type("Handler", (Recorder,), {"upstream": (parts.hostname, parts.port), "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


class StandIn(BaseHTTPRequestHandler):
    """Answers Messages create with a fixed failure, or holds the request without answering."""

    answer: tuple[int, dict] | None
    arrived: threading.Event
    release: threading.Event
    seen: list

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append(parse_qs(body.decode()))
        self.arrived.set()
        if self.answer is None:
            self.release.wait(30)
            return
        status, payload = self.answer
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stand_in():
    """Start a stand-in answering with `answer` (None: never); its URL and its handler class."""
    servers = []

    def start(answer):
        handler = type("Handler", (StandIn,), {"answer": answer, "arrived": threading.Event(),
                                               "release": threading.Event(), "seen": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_port}", handler

    yield start
    for server, handler in servers:
        handler.release.set()
        server.shutdown()
        server.server_close()
