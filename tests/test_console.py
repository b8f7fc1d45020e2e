"""The operators' console through Flask's test client: roles, throttled logins, CSRF, the audit
trail, security headers, Japanese pages, and edits that keep routes.yaml readable."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from babel.messages.pofile import read_po
from console_helpers import PASSWORD, SECRET, add_operator, console_app, csrf, log_in
from helpers import ROOT, ROUTES

from ivr.command import main
from ivr.console.accounts import ACCOUNT_LIMIT, Accounts
from ivr.console.editing import add_announcement, add_closure, clear_day, remove_entry
from ivr.core.hours import JAPAN
from ivr.records.versions import VersionStore
from ivr.web import wired

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=JAPAN)  # a Tuesday: the center is open
CLOSED_DAY = "2026-12-08"


@pytest.fixture
def app(tmp_path):
    app = console_app(tmp_path, clock=lambda: NOW)
    add_operator(app, "pub", "publisher")
    add_operator(app, "ed", "editor")
    add_operator(app, "view", "viewer")
    return app


def logged_in(app, name):
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def audit(app):
    return app.extensions["ivr.console"].store.audit()


def add_closure_by_form(client, day=CLOSED_DAY, say="本日は臨時休業とさせていただいております。"):
    token = csrf(client.get("/calendar").text)
    return client.post("/calendar/closure", data={"csrf_token": token, "closure-first": day,
                                                   "closure-desks": "center", "closure-say": say})


def test_every_page_is_japanese_and_refuses_framing(app):
    client = logged_in(app, "pub")
    for path in ("/", "/desks", "/calendar", "/menus", "/draft", "/draft/yaml", "/history", "/try",
                 "/reports", "/desks/center", "/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="ja">' in response.text
        assert response.headers["X-Frame-Options"] == "DENY"
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "<script" not in response.text, "pages work without JavaScript"
        assert re.search(r"[\u3040-\u30ff]", response.text), path


def test_session_cookie_is_httponly_secure_and_lax(tmp_path):
    app = console_app(tmp_path)
    add_operator(app, "pub", "publisher")
    response = log_in(app.test_client(), "pub")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    insecure = console_app(tmp_path, console_insecure_cookies=True)
    assert "Secure" not in log_in(insecure.test_client(), "pub").headers["Set-Cookie"]


def test_the_console_refuses_to_start_without_a_secret_or_a_database(tmp_path):
    from ivr.settings import ConfigError

    with pytest.raises(ConfigError, match="IVR_CONSOLE_SECRET"):
        console_app(tmp_path, console_secret="short")
    with pytest.raises(ConfigError, match="records database"):
        console_app(tmp_path, records_url=None)


def test_ivr_console_says_why_it_cannot_start_in_japanese(runner, monkeypatch, tmp_path):
    served = []
    monkeypatch.setattr("ivr.operators.server.run_gunicorn", lambda app, *where: served.append(where))
    ja, en = {"LANG": "ja_JP.UTF-8"}, {"LANG": "C.UTF-8"}
    monkeypatch.setenv("IVR_RECORDS_DB", str(tmp_path / "console.sqlite3"))
    short = runner.invoke(main, ["console"], env={"IVR_CONSOLE_SECRET": "short", **ja})
    assert short.exit_code == 1
    assert short.stderr == ("ivr console：起動できません：\nIVR_CONSOLE_SECRET に32文字以上のランダムな値を設定して"
                            "ください（コンソールのログイン状態の署名に使います）\n")
    english = runner.invoke(main, ["console"], env=en)
    assert english.stderr == ("ivr console: cannot start:\nIVR_CONSOLE_SECRET must be set to a random value of at "
                              "least 32 characters: it signs the console's sessions\n")
    monkeypatch.setenv("IVR_CONSOLE_SECRET", SECRET)
    off = runner.invoke(main, ["console"], env={"IVR_RECORDS_DB": "off", **ja})
    assert off.exit_code == 1
    assert off.stderr == ("ivr console：起動できません：\nコンソールはアカウント、下書き、routes.yaml の版を通話記録の"
                          "データベースに保存します。DATABASE_URL か IVR_RECORDS_DB（off 以外）を設定してください\n")
    assert "records database: set DATABASE_URL" in runner.invoke(main, ["console"], env={"IVR_RECORDS_DB": "off",
                                                                                      **en}).stderr
    unreachable = runner.invoke(main, ["console"], env={"DATABASE_URL": "postgresql://ivr@127.0.0.1:1/x", **ja})
    assert unreachable.exit_code == 1 and "Traceback" not in unreachable.output
    assert unreachable.stderr.startswith("ivr console：起動できません：\n通話記録のデータベースでエラーが起きました：")
    metrics = runner.invoke(main, ["console"], env={"IVR_METRICS_BIND": "nowhere", **ja})
    assert metrics.stderr == ("ivr console：起動できません：\nIVR_METRICS_BIND='nowhere' は「ホスト:ポート」"
                              "（例：0.0.0.0:9464）でも off でもありません\n")
    assert served == []
    nobody = runner.invoke(main, ["console", "--port", "8181"], env=ja)
    assert nobody.exit_code == 0 and served == [("127.0.0.1", 8181, 2)]
    assert nobody.stderr == ("ivr console：ログインできるアカウントがまだありません。ivr operators add 名前 --role "
                             "publisher --password-stdin で追加してください\n")
    english = runner.invoke(main, ["console"], env=en)
    assert english.stderr.startswith("ivr console: no account can log in yet: add one with ivr operators add")
    assert runner.invoke(main, ["operators", "add", "pub", "--role", "publisher", "--password-stdin"],
                         input=PASSWORD + "\n").exit_code == 0
    assert runner.invoke(main, ["console"], env=ja).stderr == "", "an account can log in: nothing to say"


def test_pages_need_a_login(app):
    client = app.test_client()
    assert client.get("/draft").status_code == 302
    assert client.post("/draft/publish").status_code in (400, 403)


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app):
    client = logged_in(app, "pub")
    response = client.post("/calendar/closure", data={"closure-first": CLOSED_DAY, "closure-desks": "center"})
    assert response.status_code == 400
    assert "このフォームは受け付けられませんでした" in response.text
    assert app.extensions["ivr.console"].draft() is None
    login = app.test_client().post("/login", data={"username": "pub", "password": PASSWORD})
    assert login.status_code == 400, "the login form needs its token too"


def test_closing_every_desk_says_the_24_hour_line_stays_open(app):
    """`all` leaves the children's 24-hour line open: the form's choice and its message say so."""
    client = logged_in(app, "pub")
    label = "受付時間のあるすべての窓口（24時間受付の窓口は休みになりません）"
    assert label in client.get("/calendar").text
    token = csrf(client.get("/calendar").text)
    response = client.post("/calendar/closure", data={"csrf_token": token, "closure-first": CLOSED_DAY,
                                                      "closure-desks": "all"}, follow_redirects=True)
    assert response.status_code == 200 and label in response.text
    assert "closed: all" in app.extensions["ivr.console"].draft().text


def test_a_viewer_is_refused_at_publish_and_rollback_and_it_is_audited(app):
    editor = logged_in(app, "ed")
    assert add_closure_by_form(editor).status_code == 302
    viewer = logged_in(app, "view")
    token = csrf(viewer.get("/draft").text)
    assert "電話に公開する" not in viewer.get("/draft").text
    assert viewer.post("/draft/publish", data={"csrf_token": token, "message": "x"}).status_code == 403
    assert viewer.post("/history/1/rollback", data={"csrf_token": token, "message": "x"}).status_code == 403
    assert viewer.post("/calendar/closure", data={"csrf_token": token}).status_code == 403
    assert editor.post("/draft/publish", data={"csrf_token": csrf(editor.get("/draft").text),
                                               "message": "x"}).status_code == 403
    refused = [e for e in audit(app) if e.action == "forbidden"]
    assert {e.actor for e in refused} == {"view", "ed"}
    assert app.extensions["ivr.console"].store.published_number() == 1, "nothing was published"


def test_an_editor_drafts_a_publisher_publishes_and_rolls_back_all_audited(app):
    site = app.extensions["ivr.console"]
    editor = logged_in(app, "ed")
    assert add_closure_by_form(editor).status_code == 302
    draft = site.draft()
    assert draft.base_version == 1 and draft.author == "ed"
    before = ROUTES.read_text(encoding="utf-8").splitlines()
    after = draft.text.splitlines()
    changed = [line for line in after if line not in before]
    assert changed == ['calendar:', '  - date: "2026-12-08"', '    closed: [center]',
                       '    say: 本日は臨時休業とさせていただいております。'], "only the new entry, readable"
    publisher = logged_in(app, "pub")
    page = publisher.get("/draft").text
    assert "確認に合格しています" in page
    assert "12月8日" in page or "2026-12-08" in page
    response = publisher.post("/draft/publish", data={"csrf_token": csrf(page), "message": "12月8日 臨時休業"})
    assert response.status_code == 302
    assert site.store.published_number() == 2 and site.draft() is None
    assert "臨時休業" in publisher.get("/desks").text
    history = publisher.get("/history").text
    response = publisher.post("/history/1/rollback", data={"csrf_token": csrf(history), "message": "戻す"})
    assert response.status_code == 302
    assert site.store.published_number() == 1
    actions = [(e.actor, e.action) for e in reversed(audit(app))]
    for expected in [("ed", "login"), ("ed", "draft"), ("pub", "login"), ("pub", "publish"), ("pub", "rollback")]:
        assert expected in actions


def test_a_tried_call_on_the_closed_day_hears_the_closure(app):
    client = logged_in(app, "ed")
    add_closure_by_form(client)
    token = csrf(client.get("/try").text)
    first = client.post("/try", data={"csrf_token": token, "source": "draft", "at": "2026-12-08T10:30",
                                      "restart": "1"})
    assert "迷惑メール相談のご案内です。" in first.text
    inputs = re.search(r'name="inputs" type="hidden" value="([^"]*)"', first.text).group(1)
    answer = client.post("/try", data={"csrf_token": token, "source": "draft", "at": "2026-12-08T10:30",
                                       "inputs": inputs.replace("&#34;", '"'), "press": "4"})
    assert "本日は臨時休業とさせていただいております。" in answer.text
    published = client.post("/try", data={"csrf_token": token, "source": "published", "at": "2026-12-08T10:30",
                                          "inputs": '["k4"]', "press": "9"})
    assert "臨時休業" not in published.text


@pytest.mark.parametrize("speech", [True, False])
def test_a_tried_call_can_be_heard_or_the_page_says_plainly_why_not(app, monkeypatch, speech):
    from ivr.console import trying

    if not speech:
        monkeypatch.setattr(trying, "open_jtalk", lambda: None)  # an image without the speech extra
    elif trying.open_jtalk() is None:
        pytest.skip("Open JTalk is not installed (the test extra installs it)")
    client = logged_in(app, "view")
    page = client.post("/try", data={"csrf_token": csrf(client.get("/try").text), "source": "published",
                                     "at": "2026-12-01T10:30", "restart": "1"})
    assert page.status_code == 200 and "迷惑メール相談のご案内です。" in page.text
    audio = re.search(r'<audio controls preload="none" src="([^"]+)"', page.text)
    missing = "このコンソールでは音声を聞けません" in page.text
    assert (audio is not None, missing) == (speech, not speech)
    if speech:
        assert "Open JTalk の音声です。Twilio の音声とは異なり、目安です" in page.text, "labelled as an approximation"
        assert "音声：HTS Voice" in page.text and "CC BY 3.0" in page.text, "the voice credited"
        wav = client.get(audio.group(1).replace("&amp;", "&"))
        assert wav.status_code == 200 and wav.data[:4] == b"RIFF"
    else:
        assert client.get("/try/audio.wav?at=2026-12-01T10:30").status_code == 404


def test_a_form_error_is_shown_in_japanese_at_its_field_and_not_kept(app):
    client = logged_in(app, "ed")
    response = add_closure_by_form(client, say="本日は12時まで休みます。")
    assert response.status_code == 400
    assert app.extensions["ivr.console"].draft() is None
    assert 'class="error"' in response.text
    assert "数字" in response.text, "the checker's message, in Japanese, at the field"
    response = client.post("/calendar/closure", data={"csrf_token": csrf(client.get("/calendar").text),
                                                      "closure-desks": "center"})
    assert "入力してください。" in response.text


def test_the_yaml_editor_keeps_a_draft_with_errors_and_shows_them_by_line(app):
    client = logged_in(app, "ed")
    text = ROUTES.read_text(encoding="utf-8").replace('desk: jiaa', 'desk: jiaa_', 1)
    token = csrf(client.get("/draft/yaml").text)
    assert client.post("/draft/yaml", data={"csrf_token": token, "text": text}).status_code == 302
    page = client.get("/draft").text
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "jiaa_" in l)
    assert f"{line}行目" in page and "エラー" in page
    assert "窓口 &#39;jiaa_&#39; はありません" in page or "窓口 'jiaa_' はありません" in page, "the checker's message in Japanese"


def test_the_emergency_closure_is_two_clicks_and_shows_what_callers_hear(app):
    client = logged_in(app, "pub")
    page = client.get("/calendar").text
    confirm = client.post("/emergency", data={"csrf_token": csrf(page), "emergency-desks": "center"})
    assert confirm.status_code == 200
    assert "本日は休業とさせていただいております。" in confirm.text
    day = re.search(r'name="emergency-day" type="hidden" value="([^"]+)"|name="emergency-day" value="([^"]+)"',
                    confirm.text)
    assert day
    response = client.post("/emergency/publish", data={
        "csrf_token": csrf(confirm.text), "emergency-desks": "center",
        "emergency-say": "申し訳ございません。本日は休業とさせていただいております。",
        "emergency-day": NOW.date().isoformat()})
    assert response.status_code == 302
    site = app.extensions["ivr.console"]
    assert site.store.published_number() == 2
    assert "臨時休業" in client.get("/").text


def test_twenty_wrong_passwords_lock_the_account_for_every_worker(app, tmp_path):
    client = app.test_client()
    for _ in range(ACCOUNT_LIMIT - 1):
        assert log_in(client, "pub", "wrong password!!").status_code == 401
    assert log_in(client, "pub", "wrong password!!", address="10.0.0.9").status_code == 401
    other_worker = console_app(tmp_path, clock=lambda: NOW).test_client()
    locked = log_in(other_worker, "pub")  # the right password, from another worker
    assert locked.status_code == 429
    assert "ログインできません" in locked.text
    assert log_in(other_worker, "ed").status_code == 302, "other accounts are not locked"
    refused = [e for e in audit(app) if e.action == "login_refused"]
    assert len(refused) == ACCOUNT_LIMIT + 1


def test_the_lock_ends_after_the_window(tmp_path):
    now = [datetime(2026, 12, 1, 1, 0, tzinfo=JAPAN)]
    app = console_app(tmp_path)
    add_operator(app, "pub", "publisher")
    accounts = Accounts(app.extensions["ivr.console"].engine, clock=lambda: now[0])
    for _ in range(ACCOUNT_LIMIT):
        assert accounts.login("pub", "nope", "1.2.3.4").refused == "password"
    assert accounts.login("pub", PASSWORD, "1.2.3.4").refused == "account_locked"
    now[0] += timedelta(minutes=16)
    assert accounts.login("pub", PASSWORD, "1.2.3.4").account is not None


def test_a_disabled_account_is_logged_out_at_once(app, runner, monkeypatch, tmp_path):
    client = logged_in(app, "ed")
    assert client.get("/draft").status_code == 200
    app.extensions["ivr.console"].accounts.disable("ed")
    assert client.get("/draft").status_code == 302


def test_operators_commands_add_list_disable(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("IVR_RECORDS_DB", str(tmp_path / "ops.sqlite3"))
    result = runner.invoke(main, ["operators", "add", "sato", "--role", "editor", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["operators", "add", "sato", "--role", "editor", "--password-stdin"],
                         input=PASSWORD + "\n").exit_code == 1
    short = runner.invoke(main, ["operators", "add", "kato", "--role", "viewer", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "12 characters" in short.output
    listed = runner.invoke(main, ["operators", "list"])
    assert "sato\teditor\tactive" in listed.output
    assert runner.invoke(main, ["operators", "disable", "sato"]).exit_code == 0
    assert "sato\teditor\tdisabled" in runner.invoke(main, ["operators", "list"]).output
    from ivr.records.database import make_engine

    store = VersionStore(make_engine(f"sqlite:///{tmp_path / 'ops.sqlite3'}"))
    assert [e.action for e in store.audit()] == ["account_disable", "account_add"]
    stored = (tmp_path / "ops.sqlite3").read_bytes()
    assert PASSWORD.encode() not in stored, "only the hash is kept"


def test_operators_commands_speak_japanese_under_a_japanese_locale(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("IVR_RECORDS_DB", str(tmp_path / "ops.sqlite3"))
    ja = {"LANG": "ja_JP.UTF-8"}

    def operators(*args, stdin=None):
        return runner.invoke(main, ["operators", *args], input=stdin, env=ja)

    added = operators("add", "sato", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0 and added.stdout.strip() == "sato（編集担当）を追加しました"
    taken = operators("add", "sato", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert taken.exit_code == 1 and "sato という名前のアカウントはすでにあります" in taken.stderr
    short = operators("add", "kato", "--role", "viewer", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "パスワードは12文字以上にしてください" in short.stderr
    assert operators("list").stdout.splitlines() == ["sato\t編集担当\t有効\t最後のログイン：なし"]
    assert operators("disable", "sato").stdout.strip() == "sato を無効にしました"
    assert "sato\t編集担当\t無効" in operators("list").stdout
    missing = operators("disable", "nobody")
    assert missing.exit_code == 1 and "nobody という名前のアカウントはありません" in missing.stderr
    monkeypatch.setenv("IVR_RECORDS_DB", "off")
    off = operators("list")
    assert off.exit_code == 2 and "アカウントは記録用データベースにあります" in off.stderr
    monkeypatch.setenv("IVR_RECORDS_DB", str(tmp_path / "missing" / "ops.sqlite3"))
    nowhere = operators("list")
    assert nowhere.exit_code == 1 and "Traceback" not in nowhere.output
    assert nowhere.stderr.startswith(f"エラー：通話記録のデータベース {tmp_path / 'missing' / 'ops.sqlite3'} を作れません：")
    monkeypatch.setenv("DATABASE_URL", "postgresql://ivr@127.0.0.1:1/records")
    unreachable = operators("list")
    assert unreachable.exit_code == 1 and unreachable.stderr.count("\n") == 1
    assert unreachable.stderr.startswith("エラー：通話記録のデータベース postgresql+psycopg://ivr@127.0.0.1:1/records を開けません：")
    # ivr operators has no --database: the hint names only the settings.
    assert unreachable.stderr.rstrip().endswith("（DATABASE_URL または IVR_RECORDS_DB を確かめてください）")


def test_edits_keep_every_other_line_and_round_trip():
    text = ROUTES.read_text(encoding="utf-8")
    day = date(2026, 12, 8)
    closed = add_closure(text, [day], ["center"], "本日は臨時休業とさせていただいております。")
    announced = add_announcement(closed, day, day + timedelta(days=2), "お知らせです。", "greeting")
    assert announced.count("\n") == text.count("\n") + 7
    assert remove_entry(remove_entry(announced, "announcements", 0), "calendar", 0) == text
    assert clear_day(closed, day, {"center"}) == text


def test_the_console_catalog_is_translated_and_explained():
    with (ROOT / "prompts" / "ja" / "LC_MESSAGES" / "console.po").open("rb") as po:
        catalog = read_po(po, locale="ja")
    for message in catalog:
        if message.id:
            assert message.string, f"untranslated: {message.id}"
            assert message.auto_comments, f"no TRANSLATORS comment: {message.id}"


def test_the_report_csv_is_in_japanese(app):
    client = logged_in(app, "view")
    response = client.get(f"/reports/{NOW:%Y-%m}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", header), header
    assert "section" not in header and "count" not in header


def test_a_version_a_line_server_will_not_load_is_on_the_today_page_in_japanese(app, tmp_path):
    """A version the line's server refuses (a field a newer line knows, published past the
    check) reaches the Today page: the server, the version, how often, and why in Japanese."""
    from records_helpers import record_app

    site = app.extensions["ivr.console"]
    site.published()
    page = logged_in(app, "view").get("/").text
    assert "本日公開された版は、すべてのサーバーが読み込みました。" in page
    line_app = record_app(site.settings.records_url, lambda: NOW)
    line = wired(line_app).line
    try:
        broken = ROUTES.read_text("utf-8").replace("        desk: ipa\n", "        desk: ipa_\n", 1)
        site.store.publish(broken, author="newer", message="a field this line does not know")
        line.published.poll(line)
        line.published.poll(line)  # looked at again: not refused again
        assert wired(line_app).refusals.drain(10)
    finally:
        line.published.stop()
        wired(line_app).records.close(timeout=1)
        wired(line_app).refusals.close(timeout=1)
    assert line.number == 1, "the last good version goes on serving"
    page = logged_in(app, "view").get("/").text
    section = page[page.index('id="reloads"'):]
    assert "電話のサーバーが読み込めなかった版" in page
    assert "版2" in section and "<td>1</td>" in section
    assert "窓口 &#39;ipa_&#39; はありません" in section, "the reason in the operators' words"
    assert "unknown desk" not in section
    tomorrow = console_app(tmp_path, clock=lambda: NOW + timedelta(days=1))
    add_operator(tomorrow, "later", "viewer")
    assert "版2" not in logged_in(tomorrow, "later").get("/").text.split('id="reloads"')[1], "today's only"


def test_refused_reloads_are_counted_per_day_server_version_and_reason(tmp_path):
    from types import SimpleNamespace

    from ivr.records.database import make_engine, upgrade
    from ivr.records.refusals import RefusedReloads, refusals_on

    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    refusal = SimpleNamespace(error="routes.yaml (version 4):1: broken", problems=())
    one = RefusedReloads(url, clock=lambda: NOW, server="line-a")
    other = RefusedReloads(url, clock=lambda: NOW, server="line-b")
    for recorder, version in ((one, 4), (one, 4), (other, 4), (one, 5)):
        assert recorder.heard(refusal, version)
    assert one.drain(10) and other.drain(10)
    rows = {(r.server, r.version): r.count for r in refusals_on(engine, NOW.date())}
    assert rows == {("line-a", 4): 2, ("line-b", 4): 1, ("line-a", 5): 1}
    assert refusals_on(engine, NOW.date() + timedelta(days=1)) == []
    assert refusals_on(engine, NOW.date())[0].reason_ja == refusal.error, "no problems: the words as said"
    engine.dispose()


def test_words_not_understood_today_are_counted_by_topic_in_japanese(app):
    """At an answer by its topic, at a menu by the topic that leads to it; never the words."""
    from helpers import post_signed, spoken, twiml
    from records_helpers import record_app

    site = app.extensions["ivr.console"]
    site.published()
    line_app = record_app(site.settings.records_url, lambda: NOW)
    client = line_app.test_client()
    said = {"SpeechResult": "ぱぴぷぺぽ", "Confidence": "0.9"}
    try:
        for path in ("/voice/step?m=top&s=0&f=0", "/voice/step?m=billing&s=0&f=0",
                     "/voice/step?m=billing&s=1&f=1", "/voice/step?m=top&k=4&s=0&f=0"):
            assert "聞き取れませんでした" in spoken(twiml(post_signed(client, path, **said))), path
    finally:
        wired(line_app).records.close(timeout=5)
    page = logged_in(app, "view").get("/").text
    section = page[page.index("本日、聞き取れなかった言葉"):]
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", section))
    assert rows.get("料金の請求（メニュー）") == "2", rows
    assert rows.get("広告メール") == "1" and rows.get("最初のメニュー") == "1", rows
    assert "ぱぴぷぺぽ" not in page and "billing" not in section


def test_a_place_the_routes_no_longer_have_is_named_by_its_id():
    from ivr.console.describe import not_understood_rows
    from ivr.routesfile.loader import load_routes

    routes = load_routes(ROUTES)
    rows = not_understood_rows(routes, [("gone", None, 2), ("top", "4", 1), ("top", "4", 2)])
    assert rows[0] == ("広告メール", 3) and rows[1][1] == 2 and "gone" in rows[1][0]


def test_the_audit_trail_is_said_in_japanese(app):
    """The details the code keeps in English are said in the operators' words on the history page."""
    site = app.extensions["ivr.console"]
    site.published()
    for actor, action, detail in [
            ("suzuki", "draft", "closure 2026-12-14..2026-12-14 ['center', 'ipa']"),
            ("suzuki", "draft", "special hours 2026-12-15..2026-12-16 center 10:00-12:00"),
            ("suzuki", "draft", "announcement 2026-12-14..2026-12-15"),
            ("suzuki", "draft", "remove calendar[0]"),
            ("suzuki", "draft", "desk jiaa"),
            ("suzuki", "draft", "routes.yaml edited as text"),
            ("suzuki", "login", "from 192.0.2.7"),
            ("tanaka", "login_refused", "account_locked from 192.0.2.8"),
            ("yamada", "forbidden", "POST /publish needs publisher"),
            ("command line (root)", "account_add", "yamada as viewer")]:
        site.store.record(actor=actor, action=action, detail=detail)
    page = logged_in(app, "view").get("/history").text
    versions, trail = page.split("<th>内容</th>")
    assert "起動したときの routes.yaml" in versions and "設定ファイル（routes.yaml）" in versions
    assert "at first start" not in versions
    for said in ["休業（2026-12-14〜2026-12-14）：迷惑メール相談センター、情報セキュリティ安心相談窓口",
                 "特別な受付時間（2026-12-15〜2026-12-16）：迷惑メール相談センター 10:00-12:00",
                 "お知らせ（2026-12-14〜2026-12-15）", "休業・特別な受付時間の1件目を削除",
                 "窓口「日本産業協会の相談室」を変更", "routes.yaml を直接編集", "192.0.2.7 から",
                 "アカウントが一時的にロック中（192.0.2.8 から）", "/publish には公開担当の権限が必要",
                 "yamada（閲覧担当）", "コマンドライン（root）"]:
        assert said in trail, said
    for english in ("closure", "special hours", "edited as text", "from 192", "needs", " as viewer",
                    "command line", "at first start"):
        assert english not in trail, english
