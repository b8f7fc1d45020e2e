"""An edited routes.yaml is picked up without a restart; a broken edit never takes the line down."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import Served, fetch_health, post_signed, post_voice, signed_call, spoken, twiml, wait_for

from ivr.web import served as line_module
from ivr.web import wired

GREETING = "迷惑メール相談のご案内です。"
NEW_GREETING = "迷惑メール相談の、新しいご案内です。"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def live_app(make_app, routes_copy, monkeypatch):
    monkeypatch.setattr(line_module, "CHECK_EVERY", 0.02)
    return make_app(routes=str(routes_copy))


def greeting(client) -> str:
    return spoken(twiml(post_signed(client, "/voice")))


def refused(client) -> dict | None:
    return client.get("/healthz").get_json()["last_refused_reload"]


def test_valid_edit_is_served_without_restart(live_app, routes_copy):
    client = live_app.test_client()
    assert greeting(client).startswith(GREETING)
    edit(routes_copy, f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
    wait_for(lambda: greeting(client).startswith(NEW_GREETING), 5)
    assert refused(client) is None


def test_broken_edit_is_refused_and_the_last_good_file_keeps_serving(live_app, routes_copy):
    client = live_app.test_client()
    before = client.get("/healthz").get_json()["routes"]["digest"]
    edit(routes_copy, 'phone: "03-5974-0068"', 'phone: "03-5974"')
    wait_for(lambda: refused(client), 5)
    assert greeting(client).startswith(GREETING)
    health = client.get("/healthz").get_json()
    assert health["routes"]["digest"] == before
    line = next(i for i, t in enumerate(routes_copy.read_text("utf-8").splitlines(), 1) if '"03-5974"' in t)
    assert f"routes.yaml:{line}: desks.center.phone:" in health["last_refused_reload"]["error"]
    assert str(routes_copy.parent) not in health["last_refused_reload"]["error"]


def test_deleted_file_keeps_the_line_up(live_app, routes_copy):
    client = live_app.test_client()
    routes_copy.unlink()
    assert "cannot be read" in wait_for(lambda: refused(client), 5)["error"]
    assert greeting(client).startswith(GREETING)


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
    wait_for(lambda: "料金の請求は1" not in greeting(client), 5)
    step = twiml(post_signed(client, "/voice/step?m=billing&s=0&f=0", Digits="2"))
    assert refused(client) is None
    said = spoken(step)
    assert said.startswith("申し訳ありません。ご案内の内容が変わりましたので、最初のメニューに戻ります。")
    assert "料金の請求は1" not in said


def test_reload_in_a_real_server_process(tmp_path, routes_copy):
    with Served(tmp_path, routes_copy, workers=1) as served:
        first = fetch_health(served.port)
        edit(routes_copy, f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
        wait_for(lambda: fetch_health(served.port)["routes"]["digest"] != first["routes"]["digest"])
        assert NEW_GREETING in post_voice(served.port)
        digest = fetch_health(served.port)["routes"]["digest"]
        edit(routes_copy, "        desk: ipa\n", "        desk: ipa_\n")
        refused = wait_for(lambda: fetch_health(served.port)["last_refused_reload"])
        assert "unknown desk 'ipa_'" in refused["error"]
        assert fetch_health(served.port)["routes"]["digest"] == digest
        assert NEW_GREETING in post_voice(served.port)


def answered_at_once(served: Served, calls: int = 12, within: float = 3.0) -> list[str]:
    """Signed new calls over about two seconds (every worker looks at the file meanwhile), each answered
    with TwiML within `within` seconds; their TwiML."""
    bodies = []
    for _ in range(calls):
        started = time.monotonic()
        status, body = signed_call(served.port, timeout=within)
        assert status == 200 and "<Response>" in body, (status, body[:200])
        assert time.monotonic() - started < within
        bodies.append(body)
        time.sleep(0.2)
    return bodies


def test_a_fifo_device_or_directory_as_routes_yaml_is_refused_and_holds_up_no_caller(tmp_path, routes_copy):
    """Something that blocks on open or read in place of routes.yaml: every caller is answered at
    once, /healthz shows the refusal, and a good file published afterwards is served by every worker."""
    good = routes_copy.read_text("utf-8")
    with Served(tmp_path, routes_copy, workers=2) as served:
        for kind, publish in (("a FIFO", lambda: os.mkfifo(routes_copy)),
                              ("a character device", lambda: routes_copy.symlink_to("/dev/zero")),
                              ("a directory", routes_copy.mkdir)):
            if routes_copy.is_dir() and not routes_copy.is_symlink():
                routes_copy.rmdir()
            else:
                routes_copy.unlink()
            publish()
            assert all(GREETING in body for body in answered_at_once(served))
            refused = wait_for(lambda: (fetch_health(served.port)["last_refused_reload"] or {}).get("error"))
            assert f"routes.yaml:1: is not a regular file but {kind}" in refused, refused
            assert str(tmp_path) not in refused
        routes_copy.rmdir()
        routes_copy.write_text(good.replace(f"greeting: {GREETING}", f"greeting: {NEW_GREETING}"), "utf-8")
        wait_for(lambda: all(NEW_GREETING in body for body in answered_at_once(served, calls=6)), 20)
        assert fetch_health(served.port)["last_refused_reload"] is None


def test_a_routes_yaml_that_is_a_link_is_read_as_kubernetes_mounts_a_configmap(tmp_path, routes_copy):
    """ConfigMaps are mounted as routes.yaml -> ..data/routes.yaml, ..data -> a dated directory, and
    updated by pointing ..data at a new directory in one rename."""
    mount = tmp_path / "mount"
    (mount / "..2026_01").mkdir(parents=True)
    (mount / "..2026_01" / "routes.yaml").write_text(routes_copy.read_text("utf-8"), "utf-8")
    (mount / "..data").symlink_to("..2026_01")
    (mount / "routes.yaml").symlink_to("..data/routes.yaml")
    with Served(tmp_path, mount / "routes.yaml", workers=2) as served:
        assert GREETING in post_voice(served.port)
        (mount / "..2026_02").mkdir()
        edited = routes_copy.read_text("utf-8").replace(f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
        (mount / "..2026_02" / "routes.yaml").write_text(edited, "utf-8")
        (mount / "..data_tmp").symlink_to("..2026_02")
        os.replace(mount / "..data_tmp", mount / "..data")
        wait_for(lambda: all(NEW_GREETING in body for body in answered_at_once(served, calls=6)), 20)
        assert fetch_health(served.port)["last_refused_reload"] is None


def test_healthz_shows_a_refusal_only_while_it_is_the_latest_event(live_app, routes_copy):
    client = live_app.test_client()
    good = routes_copy.read_text("utf-8")
    edit(routes_copy, 'phone: "03-5974-0068"', 'phone: "03-5974"')
    wait_for(lambda: refused(client), 5)
    routes_copy.write_text(good, "utf-8")
    os.utime(routes_copy, ns=(0, 1))  # a changed modification time, whatever the clock's resolution
    wait_for(lambda: refused(client) is None, 5)


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
    wait_for(lambda: greeting(live_app.test_client()).startswith(NEW_GREETING), 5)


def test_a_look_held_up_in_the_file_system_is_given_up_and_shown(live_app, routes_copy, monkeypatch):
    """A read that never returns (a hung network file system): calls go on, /healthz shows the
    refusal, at most MAX_STUCK threads are left waiting, and the file is read once it answers."""
    import threading

    monkeypatch.setattr(line_module, "STUCK_AFTER", 0.3)
    answers = threading.Event()
    waiting: list = []
    read = line_module.read_routes_text

    def hung(path, *args):
        waiting.append(threading.current_thread())
        answers.wait(30)
        return read(path, *args)

    client = live_app.test_client()
    assert greeting(client).startswith(GREETING)
    monkeypatch.setattr(line_module, "read_routes_text", hung)
    edit(routes_copy, f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
    started = time.monotonic()
    error = wait_for(lambda: (refused(client) or {}).get("error"), 5)
    assert error.startswith("routes.yaml:1: could not be read within 0.3 s"), error
    wait_for(lambda: len(waiting) == line_module.MAX_STUCK, 5)
    for _ in range(20):  # callers are answered at once all along, and no more threads are held
        assert greeting(client).startswith(GREETING)
        time.sleep(0.05)
    assert time.monotonic() - started < 10
    assert len(waiting) == line_module.MAX_STUCK
    answers.set()  # the file system answers again: the next watcher reads the file
    wait_for(lambda: greeting(client).startswith(NEW_GREETING), 5)
    assert refused(client) is None


def test_a_step_served_before_a_reload_is_served_in_the_new_wording_after_it(live_app, routes_copy):
    """The TwiML documents kept belong to the flow served: a reload starts them afresh."""
    client = live_app.test_client()
    submenu = "/voice/step?m=top&s=0&f=0"
    before = spoken(twiml(post_signed(client, submenu, Digits="1")))
    assert "身に覚えのない請求" in before
    kept = wired(live_app).line.documents
    assert kept.cache_info().currsize >= 1
    edit(routes_copy, "label: 身に覚えのない請求", "label: 心当たりのない請求")
    wait_for(lambda: wired(live_app).line.documents is not kept, 5)
    assert wired(live_app).line.documents.cache_info().currsize == 0, "the old routes' documents outlived the reload"
    after = spoken(twiml(post_signed(client, submenu, Digits="1")))
    assert "心当たりのない請求" in after and "身に覚えのない請求" not in after
    assert after == before.replace("身に覚えのない請求", "心当たりのない請求")
