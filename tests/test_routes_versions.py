"""Routes versions in the records database: the store, the `ivr routes` commands, and the line
serving the published version, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import ROUTES, post_signed, spoken, twiml, wait_for
from records_helpers import database, record_app  # noqa: F401
from sqlalchemy import select

from ivr.command import main
from ivr.records.database import make_engine, upgrade
from ivr.records.tables import metadata, routes_refusals
from ivr.records.versions import UnknownVersion, VersionStore
from ivr.routesfile.loader import RoutesError
from ivr.web.published import publish_checked
from ivr.web import wired

GREETING = "迷惑メール相談のご案内です。"
NEW_GREETING = "迷惑メール相談の、新しいご案内です。"
SHIPPED = ROUTES.read_text("utf-8")
EDITED = SHIPPED.replace(f"greeting: {GREETING}", f"greeting: {NEW_GREETING}")
BROKEN = SHIPPED.replace("        desk: ipa\n", "        desk: ipa_\n", 1)
PINNED = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 10:00 in Japan


def broken_line() -> int:
    return next(i for i, t in enumerate(BROKEN.splitlines(), 1) if "desk: ipa_" in t)


@pytest.fixture
def engine(database):
    engine = make_engine(database)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return VersionStore(engine, clock=lambda: PINNED)


@pytest.fixture
def served(database, clock):
    """Apps serving from `database`; their looks at it stop when the test ends."""
    apps = []

    def make(**overrides):
        app = record_app(database, clock, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        wired(app).line.published.stop()
        wired(app).records.close(timeout=1)
        wired(app).refusals.close(timeout=1)


def greeting_of(app) -> str:
    return spoken(twiml(post_signed(app.test_client(), "/voice")))


# -- the store ---------------------------------------------------------------------------


def test_each_version_keeps_its_text_and_the_later_one_is_published(store):
    first = store.publish(SHIPPED, author="tanaka", message="最初の版")
    second = store.publish(EDITED, author="suzuki", message="あいさつを変更")
    assert (first.number, second.number) == (1, 2)
    assert store.published_number() == 2 and store.published() == second
    assert [(v.number, v.published, v.author, v.message) for v in store.history()] == [
        (2, True, "suzuki", "あいさつを変更"), (1, False, "tanaka", "最初の版")]
    assert store.get(1).text == SHIPPED and store.get(2).text == EDITED
    assert store.get(2).digest == hashlib.sha256(EDITED.encode()).hexdigest()[:16]
    assert store.get(2).created_at == PINNED and store.get(3) is None
    # The same text again makes no new version and records nothing.
    assert store.publish(EDITED, author="sato", message="again") == second
    assert len(store.history()) == 2 and len(store.audit()) == 2


def test_rollback_publishes_an_earlier_text_again(store):
    store.publish(SHIPPED, author="tanaka", message="one")
    store.publish(EDITED, author="tanaka", message="two")
    back = store.rollback(1, author="suzuki", message="元に戻す")
    assert back.number == 1 and back.published and back.text == SHIPPED
    assert store.published_number() == 1
    assert [v.number for v in store.history()] == [2, 1], "a rollback makes no new version"
    with pytest.raises(UnknownVersion):
        store.rollback(7, author="suzuki", message="none")


def test_the_audit_lists_every_event(store):
    store.publish(SHIPPED, author="tanaka", message="one")
    with pytest.raises(RoutesError):
        publish_checked(store, BROKEN, author="sato", message="ipa の修正")
    publish_checked(store, EDITED, author="suzuki", message="two")
    store.rollback(1, author="tanaka", message="戻す")
    store.record(actor="tanaka", action="login", detail="console")
    events = [(e.actor, e.action, e.from_version, e.to_version) for e in store.audit()]
    assert events == [("tanaka", "login", None, None), ("tanaka", "rollback", 2, 1),
                      ("suzuki", "publish", 1, 2), ("sato", "refused", 1, None),
                      ("tanaka", "publish", None, 1)]
    refused = store.audit()[3].detail
    assert refused.startswith("ipa の修正\n")
    assert f"routes.yaml:{broken_line()}: menus.billing.options.\"2\".desk: unknown desk 'ipa_'" in refused
    assert all(e.at == PINNED for e in store.audit())
    assert store.audit(limit=2)[1].action == "rollback"


def test_a_refused_text_changes_nothing_but_the_audit(store):
    store.publish(SHIPPED, author="tanaka", message="one")
    with pytest.raises(RoutesError) as refused:
        publish_checked(store, BROKEN, author="sato", message="bad", file="new.yaml")
    problem = refused.value.problems[0]
    assert (problem.file, problem.line, problem.path[-1]) == ("new.yaml", broken_line(), "desk")
    assert [v.number for v in store.history()] == [1] and store.published_number() == 1


def test_operators_publishing_at_once_each_get_a_version(database, engine):
    """Eight operators publish at the same moment, each from a connection of their own."""
    texts = [SHIPPED.replace(f"greeting: {GREETING}", f"greeting: 迷惑メール相談のご案内{i}です。")
             for i in range(8)]
    got, errors = run_together([lambda t=t: publisher(database).publish(t, author="op", message="m")
                                for t in texts])
    assert errors == []
    store = publisher(database)
    assert sorted(v.number for v in got) == list(range(1, 9))
    assert {store.get(v.number).text for v in got} == set(texts), "no version lost"
    assert store.published_number() == 8, "the later one is published"
    assert_a_clear_history(store)


def test_publishes_racing_rollbacks_leave_a_clear_history(database, engine):
    store = publisher(database)
    store.publish(SHIPPED, author="op", message="one")
    store.publish(EDITED, author="op", message="two")
    texts = [SHIPPED.replace(f"greeting: {GREETING}", f"greeting: 迷惑メール相談のご案内{i}です。")
             for i in range(4)]
    work = [lambda t=t: publisher(database).publish(t, author="a", message="m") for t in texts]
    work += [lambda n=n: publisher(database).rollback(n, author="b", message="back") for n in (1, 2, 1, 2)]
    _, errors = run_together(work)
    assert errors == []
    assert sorted(v.number for v in store.history()) == list(range(1, 7))
    assert_a_clear_history(store)


def test_servers_starting_together_on_an_empty_database_make_one_version(database, engine):
    texts = [SHIPPED, EDITED, SHIPPED, EDITED]
    got, errors = run_together([lambda t=t: publisher(database).publish_first(t, author="file", message="m")
                                for t in texts])
    assert errors == []
    assert {v.number for v in got} == {1} and len(publisher(database).history()) == 1


def test_the_migration_makes_the_tables_as_declared(engine):
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def publisher(database) -> VersionStore:
    return VersionStore(make_engine(database))


def run_together(work: list) -> tuple[list, list]:
    """Run each function in a thread of its own, all released at once."""
    barrier = threading.Barrier(len(work))
    results, errors = [], []

    def run(function):
        barrier.wait()
        try:
            results.append(function())
        except Exception as error:  # noqa: BLE001 — the test reports them
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f,)) for f in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def assert_a_clear_history(store: VersionStore) -> None:
    """Each publish or rollback starts from the version the one before it published."""
    events = [e for e in reversed(store.audit()) if e.action in ("publish", "rollback")]
    previous = None
    for event in events:
        assert event.from_version == previous, events
        previous = event.to_version
    assert previous == store.published_number()


# -- the commands ------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns on a terminal: Japanese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def routes(runner, database, *args):
    return runner.invoke(main, ["routes", *args, "--database", database])


def test_publish_prints_the_new_number_and_refuses_a_broken_file(runner, database, tmp_path):
    good, bad = tmp_path / "routes.yaml", tmp_path / "bad.yaml"
    good.write_text(SHIPPED, "utf-8")
    bad.write_text(BROKEN, "utf-8")
    result = routes(runner, database, "publish", str(good), "-m", "最初の版", "--author", "田中")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("published version 1 (digest ")
    checked = runner.invoke(main, ["check", str(bad)])
    refused = routes(runner, database, "publish", str(bad), "-m", "ipa の修正")
    assert refused.exit_code == 1 == checked.exit_code
    assert refused.stderr.splitlines() == [line for line in checked.stderr.splitlines()
                                           if ": warning: " not in line]
    assert f"bad.yaml:{broken_line()}: menus.billing.options.\"2\".desk: unknown desk 'ipa_'" in refused.stderr
    store = publisher(database)
    assert [v.number for v in store.history()] == [1] and store.published_number() == 1
    assert [e.action for e in store.audit()] == ["refused", "publish"]
    again = routes(runner, database, "publish", str(good), "-m", "again")
    assert again.exit_code == 0 and "already published as version 1" in again.stdout
    assert routes(runner, database, "publish", str(good)).exit_code == 2, "a message is required"


@pytest.mark.parametrize("name,data", [
    ("lf", SHIPPED.encode()),
    ("crlf", SHIPPED.replace("\n", "\r\n").encode()),
    ("bom-crlf", b"\xef\xbb\xbf" + SHIPPED.replace("\n", "\r\n").encode()),
    ("bom", b"\xef\xbb\xbf" + SHIPPED.encode()),
    ("no-final-newline", SHIPPED.rstrip("\n").encode()),
    ("tabs-and-trailing-spaces", SHIPPED.replace("version: 1\n", "version: 1   \t\n", 1).encode()),
])
def test_export_gives_back_the_published_bytes(runner, database, tmp_path, name, data):
    """Whatever `ivr check` accepts is published and exported byte for byte."""
    source, out = tmp_path / f"{name}.yaml", tmp_path / "out.yaml"
    source.write_bytes(data)
    assert runner.invoke(main, ["check", str(source)]).exit_code == 0
    assert routes(runner, database, "publish", str(source), "-m", name).exit_code == 0
    result = routes(runner, database, "export", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == data
    digest = hashlib.sha256(data).hexdigest()[:16]
    assert publisher(database).get(1).digest == digest
    assert f"digest {digest}" in runner.invoke(main, ["check", str(out)]).stdout
    assert routes(runner, database, "export", "1", "-o", "-").stdout_bytes == data


def test_what_ivr_check_refuses_is_refused_the_same(runner, database, tmp_path):
    shift_jis = tmp_path / "sjis.yaml"
    shift_jis.write_bytes(SHIPPED.encode("shift_jis", errors="replace"))
    checked = runner.invoke(main, ["check", str(shift_jis)])
    refused = routes(runner, database, "publish", str(shift_jis), "-m", "sjis")
    assert checked.exit_code == refused.exit_code == 1
    assert "not UTF-8" in refused.stderr and refused.stderr == checked.stderr
    assert publisher(database).history() == []


def test_history_is_newest_first_in_japan_time_with_the_published_marked(runner, database, store):
    store.publish(SHIPPED, author="田中", message="最初の版")
    store.publish(EDITED, author="suzuki", message="あいさつを変更\n年末に向けて")
    store.rollback(1, author="田中", message="戻す")
    result = routes(runner, database, "history")
    assert result.exit_code == 0, result.output
    header, second, first, legend = result.stdout.splitlines()
    assert header.split() == ["#", "time", "(Japan)", "author", "digest", "message"]
    assert second.split() == ["2", "2026-12-01", "10:00", "suzuki", store.get(2).digest,
                              "あいさつを変更", "/", "年末に向けて"]
    assert first.startswith("*") and first.split()[1:] == [
        "1", "2026-12-01", "10:00", "田中", store.get(1).digest, "最初の版"]
    assert legend.startswith("* published")
    assert width(first[:first.index(store.get(1).digest)]) == \
        width(second[:second.index(store.get(2).digest)]), "columns line up"
    audit = routes(runner, database, "audit").stdout.splitlines()
    assert audit[1].split() == ["2026-12-01", "10:00", "田中", "rollback", "2", "->", "1", "戻す"]
    assert audit[-1].split() == ["2026-12-01", "10:00", "田中", "publish", "-", "->", "1", "最初の版"]


def test_rollback_command_publishes_an_earlier_version(runner, database, store):
    store.publish(SHIPPED, author="op", message="one")
    store.publish(EDITED, author="op", message="two")
    result = routes(runner, database, "rollback", "1", "-m", "あいさつを戻す", "--author", "suzuki")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("published version 1 again")
    assert store.published_number() == 1
    assert store.audit()[0].actor == "suzuki" and store.audit()[0].detail == "あいさつを戻す"
    missing = routes(runner, database, "rollback", "9", "-m", "none")
    assert missing.exit_code == 1 and "there is no version 9" in missing.stderr


def test_routes_diff_shows_what_ivr_diff_shows(runner, database, store, tmp_path):
    store.publish(SHIPPED, author="op", message="one")
    store.publish(EDITED, author="op", message="two")
    (tmp_path / "1.yaml").write_text(SHIPPED, "utf-8")
    (tmp_path / "2.yaml").write_text(EDITED, "utf-8")
    files = runner.invoke(main, ["diff", str(tmp_path / "1.yaml"), str(tmp_path / "2.yaml"),
                                 "--at", "2026-12-01 10:30"])
    versions = routes(runner, database, "diff", "1", "2", "--at", "2026-12-01 10:30")
    assert versions.exit_code == files.exit_code == 1
    assert versions.stdout == files.stdout
    assert f"- {GREETING}" in versions.stdout and f"+ {NEW_GREETING}" in versions.stdout
    same = routes(runner, database, "diff", "1", "1")
    assert same.exit_code == 0 and same.stdout.strip() == "callers hear no difference"


# -- in Japanese (LANG=ja_JP.UTF-8); English stays the default -------------------------------

JA = {"LANG": "ja_JP.UTF-8"}


def routes_ja(runner, database, *args):
    return runner.invoke(main, ["routes", *args, "--database", database], env=JA)


def test_publish_and_rollback_speak_japanese_under_a_japanese_locale(runner, database, tmp_path):
    good, edited, bad = tmp_path / "routes.yaml", tmp_path / "edited.yaml", tmp_path / "bad.yaml"
    good.write_text(SHIPPED, "utf-8")
    edited.write_text(EDITED, "utf-8")
    bad.write_text(BROKEN, "utf-8")
    first = routes_ja(runner, database, "publish", str(good), "-m", "最初の版")
    assert first.exit_code == 0 and first.stdout.startswith("版1を公開しました（要約値 "), first.output
    again = routes_ja(runner, database, "publish", str(good), "-m", "もう一度")
    assert "は版1として公開済みです" in again.stdout and "何も変わっていません" in again.stdout
    second = routes_ja(runner, database, "publish", str(edited), "-m", "あいさつ")
    assert "版2を公開しました" in second.stdout and "版1に代わります" in second.stdout
    refused = routes_ja(runner, database, "publish", str(bad), "-m", "ipa の修正")
    assert refused.exit_code == 1 and "窓口 'ipa_' はありません" in refused.stderr
    assert "unknown desk" not in refused.stderr
    empty = routes_ja(runner, database, "publish", str(good), "-m", " ")
    assert empty.exit_code == 2 and "何をなぜ変えたのかを書いてください" in empty.stderr
    back = routes_ja(runner, database, "rollback", "1", "-m", "戻す")
    assert back.stdout.startswith("版1をもう一度公開しました") and "版2に代わります" in back.stdout
    same = routes_ja(runner, database, "rollback", "1", "-m", "戻す")
    assert same.stdout.strip() == "版1はすでに公開中です。何も変わっていません"
    missing = routes_ja(runner, database, "rollback", "9", "-m", "なし")
    assert missing.exit_code == 1 and "版9はありません（ivr routes history で一覧できます）" in missing.stderr
    out = tmp_path / "out.yaml"
    exported = routes_ja(runner, database, "export", "2", "-o", str(out))
    assert exported.stderr.startswith("版2を ") and "バイト）" in exported.stderr
    unwritable = routes_ja(runner, database, "export", "2", "-o", str(tmp_path / "no" / "x.yaml"))
    assert unwritable.exit_code == 1 and "に書き込めません" in unwritable.stderr
    english = routes(runner, database, "rollback", "9", "-m", "none")
    assert "there is no version 9" in english.stderr, "English stays the default"


def test_history_and_audit_speak_japanese_with_columns_lined_up(runner, database, store):
    store.publish(SHIPPED, author="田中", message="最初の版")
    store.publish(EDITED, author="suzuki", message="あいさつを変更")
    store.refused(BROKEN, author="suzuki", message="ipa", reason="unknown desk")
    store.rollback(1, author="田中", message="戻す")
    history = routes_ja(runner, database, "history").stdout.splitlines()
    header, second, first, legend = history
    assert header.split() == ["版", "日時（日本時間）", "公開した人", "要約値", "メッセージ"]
    assert legend.startswith("* 公開中：")
    assert width(header[:header.index("要約値")]) == width(first[:first.index(store.get(1).digest)]) == \
        width(second[:second.index(store.get(2).digest)]), "columns line up"
    audit = routes_ja(runner, database, "audit").stdout.splitlines()
    assert audit[0].split() == ["日時（日本時間）", "誰が", "操作", "版の移り変わり", "内容"]
    assert audit[1].split() == ["2026-12-01", "10:00", "田中", "戻す", "2", "->", "1", "戻す"]
    assert audit[2].split()[3:6] == ["拒否", "版2のまま", "ipa"]
    assert audit[-1].split()[3:7] == ["公開", "-", "->", "1"]
    assert width(audit[0][:audit[0].index("内容")]) == width(audit[1][:audit[1].rindex("戻す")])


def test_routes_diff_in_japanese_shows_what_ivr_diff_shows(runner, database, store, tmp_path):
    store.publish(SHIPPED, author="op", message="one")
    store.publish(EDITED, author="op", message="two")
    (tmp_path / "1.yaml").write_text(SHIPPED, "utf-8")
    (tmp_path / "2.yaml").write_text(EDITED, "utf-8")
    files = runner.invoke(main, ["diff", str(tmp_path / "1.yaml"), str(tmp_path / "2.yaml"),
                                 "--at", "2026-12-01 10:30"], env=JA)
    versions = routes_ja(runner, database, "diff", "1", "2", "--at", "2026-12-01 10:30")
    assert versions.exit_code == files.exit_code == 1
    assert versions.stdout == files.stdout
    assert re.search(r"[\u3040-\u30ff]", versions.stdout.splitlines()[0]), "the places are in Japanese"
    same = routes_ja(runner, database, "diff", "1", "1")
    assert same.exit_code == 0 and "callers hear no difference" not in same.stdout


# -- the line serving the published version, in-process ------------------------------------


def test_the_first_start_on_an_empty_database_publishes_the_file_as_version_1(served, database):
    app = served()
    health = app.test_client().get("/healthz").get_json()
    (version,) = publisher(database).history()
    assert (version.number, version.author, version.text) == (1, "file", SHIPPED)
    assert health["routes"]["source"] == "database" and health["routes"]["version"] == 1
    assert health["routes"]["digest"] == version.digest
    assert health["published"]["version"] == 1 and health["published"]["error"] is None


def test_a_publish_and_a_rollback_are_served_without_a_restart(served, database):
    app = served()
    assert greeting_of(app).startswith(GREETING)
    store = publisher(database)
    publish_checked(store, EDITED, author="op", message="two")
    wait_for(lambda: greeting_of(app).startswith(NEW_GREETING), 3)
    health = app.test_client().get("/healthz").get_json()
    assert health["routes"]["version"] == 2 and health["routes"]["digest"] == store.get(2).digest
    store.rollback(1, author="op", message="back")
    wait_for(lambda: greeting_of(app).startswith(GREETING), 3)
    assert app.test_client().get("/healthz").get_json()["routes"]["version"] == 1


def test_a_version_this_server_cannot_load_leaves_the_last_one_serving(served, database):
    """A newer line's file, refused by this older server: logged, shown, counted, and the last
    good version goes on serving; a later good version is served again."""
    from test_metrics import samples, value

    app = served()
    line = wired(app).line
    store = publisher(database)
    store.publish(BROKEN, author="newer", message="a field this server does not know")
    line.published.poll(line)
    line.published.poll(line)  # looked at again: not loaded again
    assert greeting_of(app).startswith(GREETING)
    health = app.test_client().get("/healthz").get_json()
    assert (health["routes"]["version"], health["published"]["version"]) == (1, 2)
    assert health["last_refused_reload"]["error"].startswith(
        f"routes.yaml (version 2):{broken_line()}: menus.billing.options.\"2\".desk: unknown desk 'ipa_'")
    assert value(samples(app.test_client()), "ivr_routes_reload_failures_total") == 1
    assert wired(app).refusals.drain(10)
    with store.engine.connect() as connection:
        assert connection.execute(select(routes_refusals.c.version, routes_refusals.c.count)).all() == [(2, 1)]
    store.publish(EDITED, author="op", message="fixed")
    line.published.poll(line)
    health = app.test_client().get("/healthz").get_json()
    assert health["routes"]["version"] == 3 and health["last_refused_reload"] is None
    assert greeting_of(app).startswith(NEW_GREETING)


def test_a_server_starting_on_a_version_it_cannot_load_serves_the_file(served, database):
    store = publisher(database)
    upgrade(store.engine)
    store.publish(BROKEN, author="newer", message="newer")
    app = served()
    health = app.test_client().get("/healthz").get_json()
    assert health["routes"]["source"] == "file" and health["routes"]["version"] is None
    assert health["published"]["version"] == 1
    assert health["last_refused_reload"]["error"].startswith("routes.yaml (version 1):")
    assert greeting_of(app).startswith(GREETING)
    assert wired(app).refusals.drain(10), "refused at start: recorded too"
    with store.engine.connect() as connection:
        assert connection.execute(select(routes_refusals.c.version, routes_refusals.c.count)).all() == [(1, 1)]


def test_a_server_starting_with_another_file_serves_the_published_version_and_says_so(
        served, database, tmp_path, caplog):
    store = publisher(database)
    upgrade(store.engine)
    store.publish(EDITED, author="op", message="two")
    other = tmp_path / "routes.yaml"
    other.write_text(SHIPPED, "utf-8")
    app = served(routes=str(other))
    assert greeting_of(app).startswith(NEW_GREETING)
    assert "differs from version 1 published in the records database" in caplog.text
    assert len(store.history()) == 1, "the file is not published by a server"


def test_text_changed_in_the_database_is_not_served(served, database):
    from sqlalchemy import update

    from ivr.records.tables import routes_versions

    app = served()
    line = wired(app).line
    store = publisher(database)
    store.publish(EDITED, author="op", message="two")
    with store.engine.begin() as connection:
        connection.execute(update(routes_versions).where(routes_versions.c.number == 2)
                           .values(text=EDITED.replace("188", "189")))
    line.published.poll(line)
    health = app.test_client().get("/healthz").get_json()
    assert health["routes"]["version"] == 1
    assert "does not match its digest" in health["last_refused_reload"]["error"]


def test_the_database_out_of_reach_at_start_serves_the_file_until_it_answers(clock, tmp_path):
    folder = tmp_path / "not-yet"
    app = record_app(f"sqlite:///{folder / 'records.sqlite3'}", clock)
    line = wired(app).line
    try:
        health = app.test_client().get("/healthz").get_json()
        assert health["routes"]["source"] == "file" and health["published"]["error"]["error"]
        assert greeting_of(app).startswith(GREETING)
        folder.mkdir()
        line.published.poll(line)
        health = app.test_client().get("/healthz").get_json()
        assert health["routes"]["source"] == "database" and health["routes"]["version"] == 1
        assert health["published"]["error"] is None
        assert publisher(f"sqlite:///{folder / 'records.sqlite3'}").get(1).author == "file"
    finally:
        line.published.stop()


def test_a_new_worker_serves_the_version_kept_by_another(served, database, tmp_path):
    """gunicorn's later workers start from the version any worker served last (kept beside
    the master), not the one read at boot, even while the database cannot be read."""
    kept = tmp_path / "kept"
    kept.mkdir()
    first, later = served(), served()
    for app in (first, later):
        wired(app).line.keep_last_good(kept)
    publisher(database).publish(EDITED, author="op", message="two")
    line = wired(first).line
    line.published.poll(line)
    late = wired(later).line
    late.published.url = "sqlite:////nonexistent/records.sqlite3"  # the database is out of reach
    late.adopt_last_good()
    assert late.number == 2 and greeting_of(later).startswith(NEW_GREETING)


def test_with_records_off_the_file_is_the_source(make_app):
    health = make_app().test_client().get("/healthz").get_json()
    assert health["routes"]["source"] == "file" and "published" not in health
