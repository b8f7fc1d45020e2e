"""Any replica can answer any step: one call alternating between two separate gunicorn servers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import ROUTES, Served, call_params, post_signed, served_together, sign

PUBLIC_HOST = "line.example.jp"  # what Twilio calls; a load balancer spreads it over the replicas
ENDPOINTS = {"/voice": "ivr.voice", "/voice/step": "ivr.step"}  # a step line names its endpoint


@pytest.fixture
def replicas(tmp_path):
    """Two servers of the line as the image runs them (gunicorn, the production config), one worker each."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with served_together(*(Served(tmp_path / name, ROUTES, workers=1, image=True) for name in ("a", "b"))) as servers:
        yield list(servers)


def post_public(server: Served, path: str, params: dict, signed_for: str | None = None):
    """POST as Twilio does to the public URL, signed with the account's token for `signed_for`
    (default: `path`)."""
    signature = sign(f"http://{PUBLIC_HOST}{signed_for or path}", params)
    return server.request("POST", path, params, {"Host": PUBLIC_HOST, "X-Twilio-Signature": signature})


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
        response = post_public(server, path, call_params(**extra))
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
        answered = [entry["endpoint"] for entry in server.json_lines() if entry["event"] == "step"]
        assert answered == [ENDPOINTS[p.split("?")[0]] for s, p in steps if s is server]
        assert not [entry for entry in server.access_log() if entry["path"].startswith("/voice")], \
            "a step's line stands for its request: no access line as well"
        assert answered, "each server answered part of the call"


def test_a_step_signed_for_another_url_is_refused_by_every_replica(replicas):
    params = call_params(Digits="1")
    for server in replicas:
        response = post_public(server, "/voice/step?m=top&s=0&f=1", params,
                               signed_for="/voice/step?m=top&s=0&f=0")
        assert response.status == 403


def test_words_and_a_question_travel_between_servers_in_the_signed_url(replicas):
    """Vague words get a question; its answer, in words, on the other server; then words at the
    answer. Every Gather listens for speech, with the words expected there as hints."""
    steps = [(None, {}), ("speech", {"SpeechResult": "何か変なメールが来たんですけど", "Confidence": "0.9"}),
             ("speech", {"SpeechResult": "広告です", "Confidence": "0.9"}),
             ("speech", {"SpeechResult": "もう一度お願いします", "Confidence": "0.9"})]
    path, said = "/voice", []
    for turn, (_, extra) in enumerate(steps):
        response = post_public(replicas[turn % 2], path, call_params(**extra))
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
