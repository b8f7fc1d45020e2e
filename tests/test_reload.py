"""An edited routes.yaml is picked up without a restart; a broken edit never takes the line down."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (ROUTES, TOKEN, fetch_health, free_port, post_signed, post_voice, spoken,
                     twiml, wait_for)

from ivr.app import create_app
from ivr.web import served as line_module

GREETING = "迷惑メール相談のご案内です。"
NEW_GREETING = "迷惑メール相談の、新しいご案内です。"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def routes_copy(tmp_path) -> Path:
    copy = tmp_path / "routes.yaml"
    copy.write_text(ROUTES.read_text("utf-8"), "utf-8")
    return copy


@pytest.fixture
def live_app(routes_copy, clock, monkeypatch):
    monkeypatch.setattr(line_module, "CHECK_EVERY", 0.0)
    return create_app({"auth_token": TOKEN, "routes": str(routes_copy), "clock": clock})


def test_valid_edit_is_served_without_restart(live_app, routes_copy):
    client = live_app.test_client()
    assert spoken(twiml(post_signed(client, "/voice"))).startswith(GREETING)
    edit(routes_copy, f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
    assert spoken(twiml(post_signed(client, "/voice"))).startswith(NEW_GREETING)
    assert client.get("/healthz").get_json()["last_refused_reload"] is None


def test_broken_edit_is_refused_and_the_last_good_file_keeps_serving(live_app, routes_copy):
    client = live_app.test_client()
    before = client.get("/healthz").get_json()["routes"]["digest"]
    edit(routes_copy, 'phone: "03-5974-0068"', 'phone: "03-5974"')
    assert spoken(twiml(post_signed(client, "/voice"))).startswith(GREETING)
    health = client.get("/healthz").get_json()
    assert health["routes"]["digest"] == before
    line = next(i for i, t in enumerate(routes_copy.read_text("utf-8").splitlines(), 1) if '"03-5974"' in t)
    assert f"routes.yaml:{line}: desks.center.phone:" in health["last_refused_reload"]["error"]
    assert str(routes_copy.parent) not in health["last_refused_reload"]["error"]


def test_deleted_file_keeps_the_line_up(live_app, routes_copy):
    client = live_app.test_client()
    routes_copy.unlink()
    assert spoken(twiml(post_signed(client, "/voice"))).startswith(GREETING)
    assert "cannot be read" in client.get("/healthz").get_json()["last_refused_reload"]["error"]


def test_call_in_progress_survives_a_menu_that_vanished(live_app, routes_copy):
    client = live_app.test_client()
    submenu = twiml(post_signed(client, "/voice/step?m=top&s=0&f=0", Digits="1"))
    assert "ネット通販などの契約は3" in spoken(submenu)
    edit(routes_copy, '      "1": {label: 料金の請求, menu: billing}\n', "")
    text = routes_copy.read_text("utf-8")
    text = text[:text.index("\n  billing:\n")] + text[text.index("\n  abuse:\n"):]
    # The vague callers' question asked about a topic of that menu: now one of another.
    routes_copy.write_text(text.replace('choices: ["billing/1", "top/4"]', 'choices: ["scam/1", "top/4"]'),
                           "utf-8")
    step = twiml(post_signed(client, "/voice/step?m=billing&s=0&f=0", Digits="2"))
    assert client.get("/healthz").get_json()["last_refused_reload"] is None
    said = spoken(step)
    assert said.startswith("申し訳ありません。ご案内の内容が変わりましたので、最初のメニューに戻ります。")
    assert "料金の請求は1" not in said


def test_reload_in_a_real_server_process(routes_copy):
    port = free_port()
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_ROUTES=str(routes_copy))
    env.pop("IVR_DEV", None)
    server = subprocess.Popen([sys.executable, "-m", "ivr", "serve", "--port", str(port), "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first = wait_for(lambda: fetch_health(port))
        edit(routes_copy, f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
        wait_for(lambda: fetch_health(port)["routes"]["digest"] != first["routes"]["digest"])
        assert NEW_GREETING in post_voice(port)
        served = fetch_health(port)["routes"]["digest"]
        edit(routes_copy, "        desk: ipa\n", "        desk: ipa_\n")
        refused = wait_for(lambda: fetch_health(port)["last_refused_reload"])
        assert "unknown desk 'ipa_'" in refused["error"]
        assert fetch_health(port)["routes"]["digest"] == served
        assert NEW_GREETING in post_voice(port)
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_healthz_shows_a_refusal_only_while_it_is_the_latest_event(live_app, routes_copy):
    client = live_app.test_client()
    good = routes_copy.read_text("utf-8")
    edit(routes_copy, 'phone: "03-5974-0068"', 'phone: "03-5974"')
    assert client.get("/healthz").get_json()["last_refused_reload"] is not None
    routes_copy.write_text(good, "utf-8")
    os.utime(routes_copy, ns=(0, 1))  # a changed modification time, whatever the clock's resolution
    assert client.get("/healthz").get_json()["last_refused_reload"] is None


def test_threads_serving_together_while_the_file_changes_all_get_twiml(live_app, routes_copy):
    """gthread workers serve many requests at once: one thread reloads, the others keep serving."""
    import threading

    good = routes_copy.read_text("utf-8")
    edited = good.replace(f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
    failures: list = []
    done = threading.Event()

    def caller():
        client = live_app.test_client()
        while not done.is_set():
            response = post_signed(client, "/voice")
            said = spoken(twiml(response)) if response.status_code == 200 else ""
            if not said.startswith((GREETING, NEW_GREETING)):
                failures.append((response.status_code, said[:40]))

    callers = [threading.Thread(target=caller) for _ in range(6)]
    for thread in callers:
        thread.start()
    try:
        for i, text in enumerate((edited, "version: 1\nx: &x [*x]\n", good, "{", edited), 1):
            routes_copy.write_text(text, "utf-8")
            os.utime(routes_copy, ns=(0, i))  # a new modification time each time
            time.sleep(0.3)
    finally:
        done.set()
        for thread in callers:
            thread.join(10)
    assert failures == []
    assert spoken(twiml(post_signed(live_app.test_client(), "/voice"))).startswith(NEW_GREETING)
