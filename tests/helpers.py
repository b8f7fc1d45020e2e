"""Signed Twilio requests, TwiML checks, the line's app and a served line, shared by the tests."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from twilio.request_validator import RequestValidator

from ivr.app import create_app
from ivr.core.hours import JAPAN
from ivr.core.routes import JAPANESE_VOICES
from ivr.operators.server import CONFIG, free_port, stop_process, worker_pids
from ivr.web import wired

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ROOT / "routes.yaml"
TOKEN = "test-auth-token-0123456789abcdef"
BASE = "http://localhost"
# Tuesday 1 December 2026, 10:30 in Japan: every weekday desk is open.
OPEN_TUESDAY = datetime(2026, 12, 1, 10, 30, tzinfo=JAPAN)
# Tuesday 29 December 2026, 10:30 in Japan: the year-end holidays.
YEAR_END = datetime(2026, 12, 29, 10, 30, tzinfo=JAPAN)


def line_app(clock, **overrides):
    """The app as production builds it, with the tests' settings over the (clean) environment:
    the shipped routes, the test token, `clock`, call records off; `overrides` over those.

    Tests take it through the `make_app` fixture (conftest.py); `record_app` adds call records.
    """
    settings = {"auth_token": TOKEN, "routes": str(ROUTES), "clock": clock, "records_url": None}
    return create_app(settings | overrides)


def sign(url: str, params: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def call_params(**extra) -> dict:
    params = {"CallSid": "CA" + "0" * 32, "AccountSid": "AC" + "1" * 32, "From": "+819011112222",
              "To": "+815012345678", "CallStatus": "in-progress"}
    params.update(extra)
    return params


def post_signed(client, path: str, **extra):
    """POST as Twilio does: form fields plus a signature over the full URL."""
    params = call_params(**extra)
    return client.post(path, data=params, base_url=BASE,
                       headers={"X-Twilio-Signature": sign(BASE + path, params)})


SAY_CHILDREN = {"break", "prosody"}
VERBS = {"Say", "Gather", "Redirect", "Dial", "Hangup"}


def twiml(response) -> ET.Element:
    """Parse a TwiML response and check it is a document Twilio can play to a caller."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    verbs = list(root)
    assert verbs, "an empty response is dead air"
    assert {v.tag for v in verbs} <= VERBS
    assert verbs[-1].tag in {"Redirect", "Dial", "Hangup"}, "the document must not end in silence"
    for say in root.iter("Say"):
        assert say.get("language") == "ja-JP"
        assert say.get("voice") in JAPANESE_VOICES
        assert "".join(say.itertext()).strip(), "a Say must say something"
        assert {c.tag for c in say.iter()} - {"Say"} <= SAY_CHILDREN
    for gather in root.iter("Gather"):
        assert gather.get("numDigits") == "1"
        assert gather.get("input") in {"dtmf", "dtmf speech"}
        assert gather.get("finishOnKey") == ""
        if gather.get("input") == "dtmf speech":  # a menu: Japanese words as well as keys
            assert gather.get("language") == "ja-JP" and gather.get("hints")
            assert gather.get("speechTimeout").isdigit() and gather.get("profanityFilter") == "false"
        assert gather.get("action", "").startswith("/voice/")
        assert gather.get("actionOnEmptyResult") == "true"
        assert [c.tag for c in gather] == ["Say"]
    for dial in root.iter("Dial"):
        assert dial.text.startswith("+81")
        assert dial.get("action", "").startswith("/voice/dialed")
        assert int(dial.get("timeout")) > 0
    return root


def spoken(root: ET.Element) -> str:
    """Everything the caller hears in a TwiML document, as one string."""
    return "".join("".join(say.itertext()) for say in root.iter("Say"))


def next_action(root: ET.Element) -> str:
    """Where the caller's key goes next (Gather's action)."""
    return root.find("Gather").get("action")


def metrics_text(app) -> str:
    """What GET /metrics (served apart from the webhooks) shows for an app built in this process,
    the record writer's gauges brought up to date first."""
    writer = wired(app).records
    if writer is not None:
        writer.update_gauges()
    return wired(app).metrics.exposition()[0].decode("utf-8")


def samples(client) -> dict[tuple, float]:
    """Every sample of /metrics of an app built in this process (`client`'s) as
    {(name, sorted labels): value}."""
    found = {}
    for family in text_string_to_metric_families(metrics_text(client.application)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name, **labels) -> float:
    """A sample's value; a sample /metrics does not show is a failure, not a zero."""
    key = (name, tuple(sorted(labels.items())))
    assert key in found, f"/metrics has no {name}{labels or ''}"
    return found[key]


def absent(found, name, **labels) -> bool:
    """Whether /metrics shows no such sample (a labelled counter that never counted)."""
    return (name, tuple(sorted(labels.items()))) not in found


def fetch_health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
        return json.load(response)


def post_voice(port: int) -> str:
    url = f"http://127.0.0.1:{port}/voice"
    params = {"CallSid": "CA" + "2" * 32, "From": "+819011112222", "To": "+815012345678"}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(url, params)})
    with urllib.request.urlopen(request, timeout=2) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


class Served:
    """A real server of the line on a loopback port, its metrics on another (`metrics_port`), run
    from `workdir`, its output in workdir/serve.log.

    `ivr serve` with `workers` workers; with `image=True`, gunicorn as the container image runs it
    (`gunicorn -c CONFIG`, WEB_CONCURRENCY workers). `env` is set over the environment; `args` may be
    changed before the server starts.
    """

    def __init__(self, workdir: Path, routes: Path, workers: int = 2, *, image: bool = False, **env: str):
        self.workdir = workdir
        self.port = free_port()
        self.metrics_port = free_port()
        self.log_path = workdir / "serve.log"
        self.env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_ROUTES=str(routes), IVR_RECORDS_DB="off",
                        IVR_METRICS_BIND=f"127.0.0.1:{self.metrics_port}")
        for name in ("IVR_DEV", "PROMETHEUS_MULTIPROC_DIR", "IVR_TRUSTED_PROXIES"):
            self.env.pop(name, None)
        self.expected_workers = workers
        if image:
            self.env["WEB_CONCURRENCY"] = str(workers)
            self.args = [sys.executable, "-m", "gunicorn", "-c", CONFIG, "--bind", f"127.0.0.1:{self.port}"]
        else:
            self.args = [sys.executable, "-m", "ivr", "serve", "--port", str(self.port), "--workers", str(workers)]
        self.env.update(env)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Served":
        self.start()
        self.wait_ready()
        return self

    def start(self) -> None:
        """Start the server without waiting for it (see wait_ready)."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.args, env=self.env, cwd=self.workdir, stdout=log, stderr=log)

    def wait_ready(self) -> None:
        """Wait until it answers with all its workers; stop it if it does not within 30 s."""
        try:
            wait_for(self.ready, 30)
        except AssertionError:
            self.stop()
            raise AssertionError(f"the server did not start:\n{self.log()}") from None

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited:\n{self.log()}")
        return bool(fetch_health(self.port)) and len(self.workers()) == self.expected_workers

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server (again: nothing happens)."""
        stop_process(self.process)

    def workers(self) -> list[int]:
        """The pids of the master's worker processes now."""
        return worker_pids(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def json_lines(self) -> list[dict]:
        """The JSON lines the server wrote (access, step and call-end lines), in order."""
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def access_log(self) -> list[dict]:
        """The JSON access-log lines the server wrote."""
        return [entry for entry in self.json_lines() if entry.get("event") == "access"]

    def url(self, path: str = "/voice") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """One request as sent (`headers` may name another Host); the response, its body in `.body`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        all_headers = dict(headers or {})
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            response.body = response.read()
        finally:
            connection.close()
        return response


@contextlib.contextmanager
def served_together(*servers: Served):
    """Servers started at once, so that their start-ups overlap; each is ready before the test goes
    on, and all are stopped at its end."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            server.start()
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        yield servers


def signed_call(port: int, path: str = "/voice", timeout: float = 5.0, scheme_host: str | None = None,
                headers: dict | None = None, fields: dict | None = None) -> tuple[int, str]:
    """POST a signed webhook (Twilio's form, with `fields` over it); (status, body), errors included."""
    url = f"{scheme_host or f'http://127.0.0.1:{port}'}{path}"
    params = {"CallSid": "CA" + "2" * 32, "From": "+819011112222", "To": "+815012345678"} | (fields or {})
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(url, params), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def served_call(port: int, keys: list[str], status: str | None = "completed", **form: str) -> list[str]:
    """A whole call against a served line, signed as Twilio signs each step: what the caller heard
    at each step. `keys` are pressed in turn ("" is silence); the status callback follows unless
    status=None. `form` overrides Twilio's fields (CallSid, From, …)."""
    params = {"CallSid": "CA" + "2" * 32, "AccountSid": "AC" + "1" * 32, "From": "+819011112222",
              "To": "+815012345678", "CallStatus": "in-progress", **form}

    def post(path: str, extra: dict) -> urllib.request.Request:
        fields = dict(params, **extra)
        url = f"http://127.0.0.1:{port}{path}"
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(),
                                         headers={"X-Twilio-Signature": sign(url, fields)})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    heard, path, presses = [], "/voice", list(keys)
    while True:
        root = ET.fromstring(post(path, {} if path == "/voice" else {"Digits": presses.pop(0)}))
        heard.append(spoken(root))
        gather = root.find("Gather")
        if gather is None or not presses:
            break
        path = gather.get("action")
    if status is not None:
        post("/voice/status", {"CallStatus": status, "CallDuration": "30"})
    return heard


def served_metrics(port: int) -> dict[tuple[str, tuple], float]:
    """The served line's /metrics (on its metrics port, `Served.metrics_port`), as {(sample name, sorted labels): value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode("utf-8")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def record_failures(port: int) -> dict[str, float]:
    """ivr_record_write_failures_total of a served line, by reason (summed over its workers)."""
    return {dict(labels)["reason"]: value for (name, labels), value in served_metrics(port).items()
            if name == "ivr_record_write_failures_total"}
