"""The webhooks as Twilio sees them: signed requests in, Japanese TwiML out."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from importlib.metadata import version as package_version
from urllib.parse import parse_qs, urlsplit

import pytest

from ivr.app import ConfigError, create_app
from ivr.core.events import StepEvent
from ivr.core.hours import JAPAN
from ivr.routesfile.loader import RoutesError
from ivr.web import wired

from helpers import (BASE, ROUTES, TOKEN, call_params, next_action, post_signed, sign,
                       spoken, twiml)


def test_new_call_gets_greeting_and_top_menu(client):
    root = twiml(post_signed(client, "/voice"))
    say = root.find("Gather/Say")
    assert say.get("voice") == "Polly.Mizuki" and say.get("language") == "ja-JP"
    assert spoken(root).startswith("迷惑メール相談のご案内です。")
    action = next_action(root)
    assert urlsplit(action).path == "/voice/step"
    assert parse_qs(urlsplit(action).query) == {"m": ["top"], "s": ["0"], "f": ["0"]}
    redirect = root.find("Redirect")
    assert redirect.text == action and redirect.get("method") == "POST"


def test_hash_and_star_arrive_as_keys(client):
    """Twilio's default finishOnKey would swallow '#'; the line turns it off."""
    root = twiml(post_signed(client, "/voice"))
    assert root.find("Gather").get("finishOnKey") == ""
    for key in ("#", "*"):
        step = twiml(post_signed(client, "/voice/step?m=top&k=4&s=0&f=0", Digits=key))
        assert spoken(step).startswith("その番号は選択できません。")
        assert step.find("Gather").get("finishOnKey") == ""


def test_numbers_are_slowed_with_pauses_between_groups(client):
    root = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    prosody = root.find("Gather/Say/prosody")
    assert prosody.get("rate") == "80%"  # a stated rate, so the seconds a caller listens are known
    assert [t.strip() for t in prosody.itertext()] == ["ゼロサン", "ゴーキュウナナヨン", "ゼロゼロロクハチ"]
    assert len(prosody.findall("break")) == 2


def test_unsigned_request_is_refused(client):
    response = client.post("/voice", data=call_params(), base_url=BASE)
    assert response.status_code == 403


def test_forged_signature_is_refused(client):
    params = call_params()
    forged = sign(BASE + "/voice", params, token="not-the-real-token")
    response = client.post("/voice", data=params, base_url=BASE, headers={"X-Twilio-Signature": forged})
    assert response.status_code == 403


def test_signature_replayed_to_another_url_is_refused(client):
    params = call_params(Digits="1")
    signature = sign(BASE + "/voice/step?m=top&s=0&f=0", params)
    response = client.post("/voice/step?m=abuse&s=0&f=0", data=params, base_url=BASE,
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_tampered_digits_are_refused(client):
    signature = sign(BASE + "/voice/step?m=top&s=0&f=0", call_params(Digits="1"))
    response = client.post("/voice/step?m=top&s=0&f=0", data=call_params(Digits="2"),
                           base_url=BASE, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_public_url_behind_a_tls_proxy_validates_only_when_trusted(make_app):
    public = "https://ivr.example.jp/voice"
    params = call_params()
    headers = {"X-Twilio-Signature": sign(public, params), "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "ivr.example.jp"}
    trusting = make_app(trusted_proxies=1)
    response = trusting.test_client().post("/voice", data=params, base_url="http://10.0.0.5:8000",
                                           headers=headers)
    assert response.status_code == 200
    distrusting = make_app()
    response = distrusting.test_client().post("/voice", data=params, base_url="http://10.0.0.5:8000",
                                              headers=headers)
    assert response.status_code == 403


def test_no_token_no_start(monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("IVR_DEV", raising=False)
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        create_app({"routes": str(ROUTES)})


def test_development_mode_accepts_unsigned_requests_and_says_so(monkeypatch, caplog):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("IVR_DEV", "1")
    app = create_app({"routes": str(ROUTES)})
    assert "DEVELOPMENT MODE" in caplog.text
    assert app.test_client().post("/voice", data=call_params()).status_code == 200


def test_environment_names_the_routes_file(monkeypatch, tmp_path):
    broken = tmp_path / "routes.yaml"
    broken.write_text(ROUTES.read_text("utf-8").replace('"03-5974-0068"', '"03-59"'), "utf-8")
    monkeypatch.setenv("IVR_ROUTES", str(broken))
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    with pytest.raises(RoutesError) as caught:
        create_app()
    assert f"{broken}:" in str(caught.value) and "desks.center.phone" in str(caught.value)


@pytest.mark.parametrize("query", ["", "?m=top&s=x", "?m=nowhere&s=0&f=0", "?m=top&k=42&s=0&f=0"])
def test_malformed_position_answers_with_the_top_menu(client, query):
    root = twiml(post_signed(client, "/voice/step" + query, Digits="1"))
    assert spoken(root).startswith("申し訳ありません。ご案内の内容が変わりましたので")
    assert parse_qs(urlsplit(next_action(root)).query)["m"] == ["top"]


def test_a_position_named_twice_is_read_by_its_first_value(client):
    """As werkzeug's request.args.get would: the first m, s and f; escapes decoded."""
    straight = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="1"))
    twice = twiml(post_signed(client, "/voice/step?m=t%6Fp&m=nowhere&s=0&s=3&f=0", Digits="1"))
    assert spoken(twice) == spoken(straight)
    assert not spoken(twice).startswith("申し訳ありません")


def test_an_error_inside_the_flow_is_an_apology_not_a_500(app, client, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("flow exploded")

    monkeypatch.setattr(wired(app).line.flow, "press", boom)
    root = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="1"))
    assert "イチ、ハチ、ハチ" in "、".join(t.strip() for t in root.find("Say").itertext() if t.strip())
    assert spoken(root).startswith("申し訳ありません。")
    assert root[-1].tag == "Hangup"
    assert "flow exploded" in caplog.text


def test_transfer_dials_the_desk_and_falls_back_when_busy(client):
    answer = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    root = twiml(post_signed(client, next_action(answer), Digits="1"))
    dial = root.find("Dial")
    assert dial.text == "+81359740068"
    assert dial.get("timeout") == "25" and dial.get("method") == "POST"
    assert parse_qs(urlsplit(dial.get("action")).query) == {"m": ["top"], "k": ["4"], "s": ["0"], "f": ["0"]}
    busy = twiml(post_signed(client, dial.get("action"), DialCallStatus="busy"))
    assert spoken(busy).startswith("申し訳ありません。おつなぎできませんでした。")
    done = twiml(post_signed(client, dial.get("action"), DialCallStatus="completed"))
    assert done[-1].tag == "Hangup"


def test_asked_to_wait_at_an_answer_the_line_listens_longer(client):
    answer = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    assert answer.find("Gather").get("timeout") == "6"  # routes.yaml's input.timeout
    waiting = twiml(post_signed(client, next_action(answer), SpeechResult="書くものを持ってくるので待ってください",
                                Confidence="0.9"))
    assert spoken(waiting).startswith("はい、お待ちしております。ご用意ができましたら、9を押すか")
    assert waiting.find("Gather").get("timeout") == "30"
    # the same answer, marked as waited for (s=1): silence there reads it again, not goodbye
    assert parse_qs(urlsplit(next_action(waiting)).query) == {"m": ["top"], "k": ["4"], "s": ["1"], "f": ["0"]}
    again = twiml(post_signed(client, next_action(waiting), SpeechResult="もう一度", Confidence="0.9"))
    assert spoken(again).startswith("番号は、ゼロサンゴーキュウナナヨンゼロゼロロクハチです。")
    assert again.find("Gather").get("timeout") == "6"


def test_closed_desk_is_not_dialled(client, clock):
    clock.now = datetime(2027, 1, 2, 11, 0, tzinfo=JAPAN)  # year-end break
    answer = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    assert "次の受付は、1月4日月曜日の午前10時からです。" in spoken(answer)
    pressed = twiml(post_signed(client, next_action(answer), Digits="1"))
    assert pressed.find("Dial") is None


def test_healthz_is_cheap_unauthenticated_and_leaks_nothing(client, routes):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["routes"]["digest"] == routes.digest
    assert body["last_refused_reload"] is None
    assert set(body) == {"status", "version", "routes", "last_refused_reload"}
    assert set(body["routes"]) == {"digest", "loaded_at", "source"} and body["routes"]["source"] == "file"
    assert body["version"] == package_version("meiwaku-ivr")
    assert datetime.fromisoformat(body["routes"]["loaded_at"]).tzinfo is not None


def test_walk_every_key_on_every_menu_to_depth_three(client):
    """From the greeting, every key (and silence) at every reachable step, three presses deep."""
    keys = list("0123456789*#") + [""]
    start = twiml(post_signed(client, "/voice"))
    queue = deque([(next_action(start), 0)])
    seen = set()
    answered = 0
    while queue:
        action, depth = queue.popleft()
        if depth == 3 or action in seen:
            continue
        seen.add(action)
        for key in keys:
            root = twiml(post_signed(client, action, Digits=key))
            answered += 1
            if root.find("Gather") is not None:
                queue.append((next_action(root), depth + 1))
            for dial in root.iter("Dial"):
                for status in ("completed", "busy", "no-answer", "failed", "canceled"):
                    twiml(post_signed(client, dial.get("action"), DialCallStatus=status))
    assert answered > 200


def test_star_and_hash_options_survive_the_signed_url(make_app, tmp_path):
    shipped = ROUTES.read_text("utf-8")
    assert '      "2":\n        label: 画面の請求が消えないとき\n' in shipped
    text = shipped.replace('      "2":\n        label: 画面の請求が消えないとき\n',
                           '      "*": {label: ネット通販, desk: jiaa}\n'
                           '      "#":\n        label: 画面の請求が消えないとき\n')
    routes = tmp_path / "routes.yaml"
    routes.write_text(text, "utf-8")
    client = make_app(routes=str(routes)).test_client()
    for key, desk_words in (("#", "アイピーエーの安心相談窓口"), ("*", "日本産業協会相談室")):
        answer = twiml(post_signed(client, "/voice/step?m=billing&s=0&f=0", Digits=key))
        assert desk_words in spoken(answer)
        again = twiml(post_signed(client, next_action(answer), Digits="9"))
        assert spoken(again) == spoken(answer)


def test_listeners_hear_every_step_and_cannot_break_a_call(app, client):
    heard = []

    def broken(event):
        raise OSError("disk full")

    wired(app).bus.handlers(StepEvent)[:] = [broken, heard.append]
    twiml(post_signed(client, "/voice"))
    root = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="4"))
    assert "迷惑メール相談センターです。" in spoken(root)
    assert [(e.endpoint, e.outcome, e.desk, e.digits) for e in heard] == [
        ("ivr.voice", "menu", None, None), ("ivr.step", "answer", "center", "4")]
    assert heard[1].call_sid == "CA" + "0" * 32 and heard[1].seconds >= 0


def test_a_failing_health_check_is_a_500_not_a_menu(app, client, monkeypatch):
    def broken():
        raise RuntimeError("health exploded")

    monkeypatch.setattr(wired(app).line, "health", broken)
    response = client.get("/healthz")
    assert response.status_code == 500
    assert b"<Response>" not in response.data
