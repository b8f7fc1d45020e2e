"""Call records: one complete record per call, on SQLite and PostgreSQL, callers only hashed."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import BASE, call_params, post_signed, sign
from records_helpers import CALLER, HASH_KEY, drained, place_call, record_app, stored
from sqlalchemy import create_engine

from ivr.records import database as store
from ivr.settings import Settings
from ivr.command import main
from ivr.core.hours import JAPAN
from ivr.records.summary import summarize
from ivr.web import wired

SATURDAY_NIGHT = datetime(2026, 12, 5, 22, 0, tzinfo=JAPAN)


def only_call(database):
    calls, steps = stored(database)
    assert len(calls) == 1, calls
    return calls[0], steps


def test_answer_heard_makes_one_complete_record(database, clock):
    app = record_app(database, clock)
    call = place_call(app, ["4", "-"], duration=37)
    drained(app)
    record, steps = only_call(database)
    assert record["call_sid"] == call.base["CallSid"]
    assert record["path"] == "start top=4 top/4=-"
    assert [s["outcome"] for s in steps] == ["menu", "answer", "answer_heard"]
    assert (record["topic"], record["topic_label"], record["desk"]) == ("top/4", "広告メール", "center")
    assert (record["delivery"], record["transfer_result"], record["desk_closed"]) == ("read", None, False)
    assert (record["end_reason"], record["call_status"], record["duration_s"]) == \
        ("answer_heard", "completed", 37)
    assert store.utc(record["started_at"]) == clock.now.astimezone(timezone.utc)
    assert record["ended_at"] is not None and record["steps"] == 3


def test_transfer_that_was_busy_then_hung_up(database, clock):
    app = record_app(database, clock)
    place_call(app, ["4", "1"], dial_status="busy")
    drained(app)
    record, _ = only_call(database)
    assert record["path"] == "start top=4 top/4=1 top/4=dial:busy"
    assert (record["delivery"], record["transfer_result"]) == ("transferred", "busy")
    assert record["end_reason"] == "hung_up_after_answer"


def test_transfer_put_through(database, clock):
    app = record_app(database, clock)
    place_call(app, ["4", "1"], dial_status="completed")
    drained(app)
    record, _ = only_call(database)
    assert (record["delivery"], record["transfer_result"], record["end_reason"]) == \
        ("transferred", "completed", "transferred")


def test_answer_while_the_desk_is_closed(database, clock):
    clock.now = SATURDAY_NIGHT
    app = record_app(database, clock)
    place_call(app, ["4", "1"])
    drained(app)
    record, steps = only_call(database)
    assert record["desk_closed"] is True
    assert steps[-1]["outcome"] == "transfer_closed"
    assert (record["delivery"], record["transfer_result"]) == ("read", "closed")


@pytest.mark.parametrize("keys, reason", [
    ([], "hung_up_in_menu"),
    (["2"], "hung_up_in_menu"),
    (["-", "-"], "no_input"),
    (["*", "#", "*"], "max_failures"),
    (["4"], "hung_up_after_answer"),
])
def test_how_calls_end(database, clock, keys, reason):
    app = record_app(database, clock)
    place_call(app, keys)
    drained(app)
    record, _ = only_call(database)
    assert record["end_reason"] == reason


def test_caller_is_kept_only_as_a_keyed_hash(tmp_path, clock):
    database = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    app = record_app(database, clock)
    place_call(app, ["6", "-"])
    drained(app)
    record, _ = only_call(database)
    expected = hmac.new(HASH_KEY.encode(), CALLER.encode(), hashlib.sha256).hexdigest()
    assert record["caller_hash"] == expected
    store.make_engine(database).dispose()
    files = b"".join(p.read_bytes() for p in Path(tmp_path).rglob("*") if p.is_file())
    assert CALLER[1:].encode() not in files and CALLER[3:].encode() not in files
    assert hashlib.sha256(CALLER.encode()).hexdigest().encode() not in files


def test_without_a_hash_key_no_trace_of_the_number_is_kept(database, clock, caplog):
    app = record_app(database, clock, caller_hash_key="")
    assert "IVR_CALLER_HASH_KEY is not set" in caplog.text
    place_call(app, ["6", "-"])
    drained(app)
    record, _ = only_call(database)
    assert record["caller_hash"] is None and record["end_reason"] == "answer_heard"


def test_steps_from_two_workers_and_a_repeated_status_make_one_record(database, clock):
    first, second = record_app(database, clock), record_app(database, clock)
    call = place_call(first, ["1"], status=None)
    call.client = second.test_client()  # the next webhooks reach another worker
    response = call.post("/voice/step?m=billing&s=0&f=0", {"Digits": "2"})
    assert response.status_code == 200
    for _ in range(2):
        assert call.post("/voice/status", {"CallStatus": "completed", "CallDuration": "30"}).status_code == 204
    drained(first), drained(second)
    record, steps = only_call(database)
    assert len(steps) == 3 and record["steps"] == 3
    assert (record["desk"], record["end_reason"]) == ("ipa", "hung_up_after_answer")


def test_a_retried_webhook_is_recorded_once(database, clock):
    app = record_app(database, clock)
    client = app.test_client()
    for token in ("retry-1", "retry-1", None, None):
        headers = {"I-Twilio-Idempotency-Token": token} if token else {}
        params = call_params(Digits="9")
        headers["X-Twilio-Signature"] = sign(BASE + "/voice/step?m=top&s=0&f=0", params)
        response = client.post("/voice/step?m=top&s=0&f=0", data=params, base_url=BASE, headers=headers)
        assert response.status_code == 200
    drained(app)
    record, steps = only_call(database)
    assert [s["request_id"] for s in steps] == ["retry-1", None, None]
    assert record["path"] == "top=9 top=9 top=9"


def test_status_before_the_last_step_still_ends_the_record_correctly(database, clock):
    app = record_app(database, clock)
    call = place_call(app, ["5"], status=None)
    call.post("/voice/status", {"CallStatus": "completed", "CallDuration": "12"})
    drained(app)
    call.post("/voice/step?m=top&k=5&s=0&f=0", {"Digits": ""})  # the silence after the answer
    drained(app)
    record, _ = only_call(database)
    assert (record["end_reason"], record["duration_s"]) == ("answer_heard", 12)


def test_a_call_that_never_connected(database, clock):
    app = record_app(database, clock)
    client = app.test_client()
    response = post_signed(client, "/voice/status", CallStatus="no-answer", CallDuration="0")
    assert response.status_code == 204
    drained(app)
    record, steps = only_call(database)
    assert steps == [] and (record["call_status"], record["end_reason"]) == ("no-answer", "not_connected")


def test_refused_and_malformed_requests_record_nothing(database, clock):
    app = record_app(database, clock)
    client = app.test_client()
    assert client.post("/voice", data=call_params(), base_url=BASE).status_code == 403
    assert client.post("/voice/status", data=call_params(CallStatus="completed"),
                       base_url=BASE).status_code == 403
    assert post_signed(client, "/voice/status", CallSid="nonsense", CallStatus="completed").status_code == 400
    assert post_signed(client, "/voice/status", CallStatus="ringing").status_code == 204
    post_signed(client, "/voice", CallSid="not-a-call-sid")
    drained(app)
    assert stored(database) == ([], [])


def test_db_upgrade_and_current(database, runner):
    result = runner.invoke(main, ["db", "current", "--database", database])
    if database.startswith("sqlite"):  # no file yet, and reading the revision does not make one
        assert result.exit_code == 1 and "no records database at" in result.output
    else:
        assert result.exit_code == 0 and result.output.strip() == "none"
    result = runner.invoke(main, ["db", "upgrade", "--database", database])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "records schema at revision 0008"
    assert runner.invoke(main, ["db", "current", "--database", database]).output.strip() == "0008"


def test_migrations_go_down_and_up_again(database):
    from alembic import command

    engine = create_engine(database)
    store.upgrade(engine)
    # alembic's context is process-global: a writer thread an earlier test left behind may be
    # migrating another database; upgrade() holds this lock, and so must a downgrade.
    with store._MIGRATING, engine.begin() as connection:
        command.downgrade(store.alembic_config(connection), "base")
    assert store.current_revision(engine) is None
    store.upgrade(engine)
    assert store.current_revision(engine) == "0008" and store.count_calls(engine) == 0
    engine.dispose()


def test_purge_deletes_only_calls_past_retention(database, clock, runner):
    clock.now = datetime.now(JAPAN) - timedelta(days=420)
    app = record_app(database, clock)
    place_call(app, ["4", "-"])
    clock.now = datetime.now(JAPAN) - timedelta(days=10)
    place_call(app, ["3", "2", "-"])
    drained(app)
    assert runner.invoke(main, ["purge", "--older-than", "400d", "--database", database,
                                "--dry-run"]).output.startswith("1 calls started before")
    result = runner.invoke(main, ["purge", "--older-than", "400d", "--database", database])
    assert result.exit_code == 0 and result.output.startswith("deleted 1 calls")
    calls, steps = stored(database)
    assert [c["desk"] for c in calls] == ["ipa"] and {s["call_sid"] for s in steps} == {calls[0]["call_sid"]}
    assert runner.invoke(main, ["purge", "--older-than", "soon", "--database", database]).exit_code == 2


# -- purge and db in Japanese (LANG=ja_JP.UTF-8); English stays the default -------------------

JA = {"LANG": "ja_JP.UTF-8"}
EN = {"LANG": "C.UTF-8"}
UTC_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d"


def test_purge_and_db_speak_japanese_under_a_japanese_locale(database, clock, runner):
    def ivr(*args, env=JA):
        return runner.invoke(main, [*args, "--database", database], env=env)

    if database.startswith("postgresql"):  # a schema without tables: no revision yet
        assert ivr("db", "current").output == "なし（スキーマはまだありません。ivr db upgrade で作れます）\n"
        assert ivr("db", "current", env=EN).output == "none\n"
    upgraded = ivr("db", "upgrade")
    assert upgraded.exit_code == 0
    assert upgraded.output == "通話記録のデータベースのスキーマはリビジョン 0008 です\n"
    assert ivr("db", "upgrade", env=EN).output == "records schema at revision 0008\n"
    assert ivr("db", "current").output == "0008\n"
    clock.now = datetime.now(JAPAN) - timedelta(days=420)
    app = record_app(database, clock)
    place_call(app, ["4", "-"])
    drained(app)
    dry = ivr("purge", "--older-than", "400d", "--dry-run")
    assert dry.exit_code == 0
    assert re.fullmatch(UTC_TIME + "（UTC）より前に始まった通話1件が削除の対象です（--dry-run のため、"
                        "まだ削除していません）\n", dry.output), dry.output
    english = ivr("purge", "--older-than", "400d", "--dry-run", env=EN)
    assert re.fullmatch(f"1 calls started before {UTC_TIME} UTC would be deleted\n", english.output)
    deleted = ivr("purge", "--older-than", "400d")
    assert re.fullmatch(UTC_TIME + "（UTC）より前に始まった通話1件を削除しました\n", deleted.output), deleted.output
    assert stored(database) == ([], [])
    again = ivr("purge", "--older-than", "400d", env=EN)
    assert re.fullmatch(f"deleted 0 calls started before {UTC_TIME} UTC\n", again.output)
    soon = ivr("purge", "--older-than", "soon")
    assert soon.exit_code == 2
    assert soon.output.splitlines()[0] == ("エラー：--older-than の値が正しくありません：'soon' は日数として読めません。"
                                           "400d のように、日数に d を付けて書いてください")
    assert "'soon' is not a number of days like 400d" in ivr("purge", "--older-than", "soon", env=EN).output


def test_a_records_database_that_cannot_be_made_or_opened_is_said_in_one_line(runner, tmp_path):
    nowhere = tmp_path / "missing" / "records.sqlite3"
    refused = runner.invoke(main, ["db", "upgrade", "--database", f"sqlite:///{nowhere}"], env=JA)
    assert refused.exit_code == 1
    assert refused.output == (f"エラー：通話記録のデータベース {nowhere} を作れません：フォルダ {nowhere.parent} "
                              "がありません（フォルダはここでは作りません）\n")
    english = runner.invoke(main, ["db", "upgrade", "--database", f"sqlite:///{nowhere}"], env=EN)
    assert english.output == (f"Error: cannot create the records database {nowhere}: the folder {nowhere.parent} "
                              "does not exist (it is not created here)\n")
    assert not nowhere.parent.exists()
    unreachable = "postgresql+psycopg://ivr:secret@127.0.0.1:1/records"
    for command in (["db", "upgrade"], ["db", "current"], ["purge", "--older-than", "400d"]):
        said = runner.invoke(main, [*command, "--database", unreachable], env=JA)
        assert said.exit_code == 1 and said.output.count("\n") == 1, said.output
        assert said.output.startswith("エラー：通話記録のデータベース postgresql+psycopg://ivr:***@127.0.0.1:1/records "
                                      "を開けません：")
        assert said.output.endswith("（DATABASE_URL、IVR_RECORDS_DB または --database を確かめてください）\n")
        assert "secret" not in said.output
    english = runner.invoke(main, ["db", "current", "--database", unreachable], env=EN)
    assert english.output.startswith("Error: cannot open the records database "
                                     "postgresql+psycopg://ivr:***@127.0.0.1:1/records: ")


def test_a_postgresql_database_that_does_not_exist_is_named(runner):
    from sqlalchemy.engine import make_url

    base = os.environ.get("IVR_TEST_DATABASE_URL")
    if not base:
        pytest.skip("IVR_TEST_DATABASE_URL is not set: PostgreSQL tests run in CI (.ci/setup.d/postgres.sh)")
    missing = make_url(base).set(database="ivr_no_such_database").render_as_string(hide_password=False)
    said = runner.invoke(main, ["db", "upgrade", "--database", missing], env=JA)
    assert said.exit_code == 1
    assert said.output.startswith("エラー：通話記録のデータベース ") and "を開けません：" in said.output
    assert "ivr_no_such_database" in said.output and "Traceback" not in said.output


def step(outcome, **fields):
    return {"endpoint": "step", "menu": "top", "key": None, "digits": "1", "dial_status": None,
            "outcome": outcome, "desk": None, "desk_closed": None, "topic": None,
            "topic_label": None} | fields


def test_summary_without_final_status_has_no_ending_unless_terminal():
    assert summarize([step("menu")], None)["end_reason"] is None
    assert summarize([step("menu"), step("max_failures")], None)["end_reason"] == "max_failures"
    assert summarize([step("menu"), step("transfer")], "completed")["end_reason"] == "hung_up_in_transfer"
    assert summarize([], "busy")["end_reason"] == "not_connected"


def test_database_url_from_the_environment(tmp_path):
    def url(environ):
        return Settings.from_environ(environ).records_url

    assert url({"DATABASE_URL": "postgres://ivr@db/ivr"}) == "postgresql+psycopg://ivr@db/ivr"
    assert url({"DATABASE_URL": "postgresql://ivr@db/ivr"}) == "postgresql+psycopg://ivr@db/ivr"
    assert url({"IVR_RECORDS_DB": str(tmp_path / "r.db")}) == f"sqlite:///{tmp_path / 'r.db'}"
    assert url({}).endswith("/ivr-records.sqlite3")
    assert url({"IVR_RECORDS_DB": "off"}) is None


def test_migrations_build_exactly_the_schema_the_code_uses(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ivr.records.tables import metadata

    engine = store.make_engine(database)
    store.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_a_step_is_added_without_reading_the_calls_earlier_steps(database, clock):
    """Each write advances the summary from the call's row; all its steps are read only when a
    step arrives older than the newest one kept (from a slower worker)."""
    from sqlalchemy import event

    app = record_app(database, clock)
    engine = wired(app).records.engine()
    reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def watch(conn, cursor, statement, *args):
        if "call_steps.seq" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    call = place_call(app, ["1", "1", "-"], status=None)
    drained(app)
    for _ in range(3):  # steps of a long call, one batch each
        call.post("/voice/step?m=top&s=0&f=0", {"Digits": "9"})
        drained(app)
    call.post("/voice/status", {"CallStatus": "completed", "CallDuration": "50"})
    drained(app)
    assert reads == []
    record, steps = only_call(database)
    assert record["steps"] == 7 and record["path"] == "start top=1 billing=1 billing/1=- top=9 top=9 top=9"
    assert record["end_reason"] == "answer_heard" and record["last_seq"] == steps[-1]["seq"]


def test_a_step_older_than_the_newest_kept_rebuilds_the_summary_in_order(database, clock):
    from ivr.records.summary import CallEnd, StepRecord

    app = record_app(database, clock)
    writer = wired(app).records
    sid, at = "CA" + "a" * 32, clock.now

    def step(seq, outcome, menu="top", digits="1", **extra):
        return StepRecord(call_sid=sid, caller_hash=None, seq=seq, at=at, endpoint="step", menu=menu,
                          key=None, digits=digits, dial_status=None, outcome=outcome, **extra)

    writer.submit(step(3, "answer", menu="top", digits="4", desk="antiphishing", topic="top/4",
                       topic_label="銀行"))
    drained(app)
    writer.submit(step(1, "menu", digits="9"))  # answered earlier, by a slower worker
    writer.submit(CallEnd(call_sid=sid, caller_hash=None, at=at, call_status="completed", duration_s=9))
    drained(app)
    record, steps = only_call(database)
    assert record["path"] == "top=9 top=4" and record["steps"] == 2 and record["last_seq"] == 3
    assert (record["desk"], record["end_reason"]) == ("antiphishing", "hung_up_after_answer")


def test_a_record_replayed_from_a_spool_is_written_once(database, clock):
    app = record_app(database, clock)
    writer = wired(app).records
    call = place_call(app, ["4", "-"])
    drained(app)
    _, before = only_call(database)
    from ivr.records.database import write_batch
    from ivr.records.summary import CallEnd, StepRecord

    again = [StepRecord(**{k: v for k, v in s.items() if k not in {"id"}}, caller_hash=None)
             for s in before] + [CallEnd(call_sid=call.base["CallSid"], caller_hash=None,
                                         at=clock.now, call_status="failed", duration_s=1)]
    assert write_batch(writer.engine(), again) == 0
    record, after = only_call(database)
    assert len(after) == len(before) == 3
    assert (record["call_status"], record["end_reason"]) == ("completed", "answer_heard")
