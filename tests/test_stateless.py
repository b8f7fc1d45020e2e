"""Any replica can answer any step: one call alternating between two separate gunicorn servers."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from helpers import ROUTES, TOKEN, call_params, free_port, post_signed, sign

from ivr.operators.server import CONFIG, stop_process

PUBLIC_HOST = "line.example.jp"  # what Twilio calls; a load balancer spreads it over the replicas
START_SECONDS = 30


class Replica:
    """One gunicorn server of the line with the production config, on a loopback port."""

    def __init__(self, log_path, workdir):
        self.port = free_port()
        self.log_path = log_path
        env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_ROUTES=str(ROUTES), WEB_CONCURRENCY="1",
                   IVR_METRICS_BIND=f"127.0.0.1:{free_port()}")
        env.pop("IVR_DEV", None)
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", CONFIG, "--bind", f"127.0.0.1:{self.port}"],
            cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.log_path.read_text()}")
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer /healthz within {START_SECONDS} s")

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        body = urlencode(form) if form is not None else None
        all_headers = {"Host": PUBLIC_HOST, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def post_signed(self, path: str, **extra):
        """POST as Twilio does to the public URL, signed with the account's token."""
        params = call_params(**extra)
        signature = sign(f"http://{PUBLIC_HOST}{path}", params)
        return self.request("POST", path, params, {"X-Twilio-Signature": signature})

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()

    def access_log(self) -> list[dict]:
        """The JSON access-log lines this server wrote."""
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
        return [entry for entry in entries if entry.get("event") == "access"]


@pytest.fixture
def replicas(tmp_path):
    servers = [Replica(tmp_path / "a.log", tmp_path), Replica(tmp_path / "b.log", tmp_path)]
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def canonical(document: bytes) -> list[tuple]:
    """A TwiML document as comparable data: every element's tag, attributes and text."""
    return [(e.tag, sorted(e.attrib.items()), (e.text or "").strip(), (e.tail or "").strip())
            for e in ET.fromstring(document).iter()]


# Keys whose answers do not depend on the time of day: 1 → 1 → 188, hear again, back to the top.
KEYS = ["1", "1", "9", "0", "6", ""]


def test_one_call_alternating_between_two_servers(replicas, client):
    first, second = replicas
    assert first.process.pid != second.process.pid
    path = "/voice"
    steps = []
    for turn, key in enumerate([None] + KEYS):
        server = replicas[turn % 2]
        extra = {} if key is None else {"Digits": key}
        response = server.post_signed(path, **extra)
        assert response.status == 200, response.body
        assert response.getheader("Content-Type").startswith("text/xml")
        alone = post_signed(client, path, **extra)  # the same step answered by an in-process app
        assert canonical(response.body) == canonical(alone.data)
        steps.append((server, path))
        gather = ET.fromstring(response.body).find("Gather")
        if gather is None:
            break
        path = gather.get("action")
    assert [p.split("?")[0] for _, p in steps] == ["/voice"] + ["/voice/step"] * 6
    root = ET.fromstring(response.body)
    assert [verb.tag for verb in root] == ["Say", "Hangup"], "silence after an answer ends the call"

    for server in replicas:
        server.stop()
    for server in replicas:
        answered = [(entry["path"], entry["status"]) for entry in server.access_log()
                    if entry["path"] != "/healthz"]
        assert answered == [(p.split("?")[0], 200) for s, p in steps if s is server]
        assert answered, "each server answered part of the call"


def test_a_step_signed_for_another_url_is_refused_by_every_replica(replicas):
    params = call_params(Digits="1")
    signature = sign(f"http://{PUBLIC_HOST}/voice/step?m=top&s=0&f=0", params)
    for server in replicas:
        response = server.request("POST", "/voice/step?m=top&s=0&f=1", params,
                                  {"X-Twilio-Signature": signature})
        assert response.status == 403


def test_words_and_a_question_travel_between_servers_in_the_signed_url(replicas):
    """Vague words get a question; its answer, in words, on the other server; then words at the
    answer. Every Gather listens for speech, with the words expected there as hints."""
    steps = [(None, {}), ("speech", {"SpeechResult": "何か変なメールが来たんですけど", "Confidence": "0.9"}),
             ("speech", {"SpeechResult": "広告です", "Confidence": "0.9"}),
             ("speech", {"SpeechResult": "もう一度お願いします", "Confidence": "0.9"})]
    path, said = "/voice", []
    for turn, (_, extra) in enumerate(steps):
        response = replicas[turn % 2].post_signed(path, **extra)
        assert response.status == 200, response.body
        root = ET.fromstring(response.body)
        said.append("".join(root.find("Gather/Say").itertext()))
        gather = root.find("Gather")
        assert gather.get("input") == "dtmf speech" and gather.get("hints")
        path = gather.get("action")
        if turn == 1:
            assert "q=billing%2F1%2Ctop%2F4" in path or "q=billing/1,top/4" in path, path
            assert gather.get("hints").startswith("はい, ")
    assert said[1].startswith("お金を請求されていますか。それとも、広告のメールですか。")
    assert said[2].startswith("番号は、") and "迷惑メール相談センターです。" in said[2]
    assert said[3] == said[2]  # もう一度: the answer again
