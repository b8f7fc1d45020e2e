"""Call records and the monthly report know the calendar: closure days and announcements heard."""

from __future__ import annotations

from datetime import datetime, timezone

from helpers import ROUTES
from records_helpers import drained, place_call, record_app, stored
from sqlalchemy import text

from ivr.core.hours import JAPAN
from ivr.records import database as store
from ivr.records.report import build, render_csv, render_text

CALENDAR = """
calendar:
  - date: "2026-12-08"
    closed: [center]
    say: 本日は臨時休業とさせていただいております。
announcements:
  - from: "2026-12-01"
    until: "2026-12-08"
    say: 宅配業者を名乗る偽のショートメッセージにご注意ください。
    where: [center]
"""


def dated_routes(tmp_path):
    lines = [line for line in ROUTES.read_text("utf-8").splitlines()
             if line not in ("calendar: []", "announcements: []")]
    path = tmp_path / "routes.yaml"
    path.write_text("\n".join(lines) + "\n" + CALENDAR, "utf-8")
    return path


def test_records_keep_closure_days_and_answers_with_an_announcement(database, clock, tmp_path):
    app = record_app(database, clock, routes=str(dated_routes(tmp_path)))
    clock.now = datetime(2026, 12, 8, 10, 30, tzinfo=JAPAN)   # closed, announcement's last day
    place_call(app, ["4", "-"])
    clock.now = datetime(2026, 12, 8, 10, 31, tzinfo=JAPAN)
    place_call(app, ["3", "2", "-"])                           # another desk: no announcement
    clock.now = datetime(2026, 12, 9, 10, 30, tzinfo=JAPAN)   # open again, announcement over
    place_call(app, ["4", "-"])
    drained(app)
    calls, steps = stored(database)
    assert [(c["desk"], c["closure_day"], c["announced"]) for c in calls] == [
        ("center", True, True), ("ipa", True, False), ("center", False, False)]
    first = [s for s in steps if s["call_sid"] == calls[0]["call_sid"]]
    assert [(s["outcome"], s["closure_day"], s["announced"]) for s in first] == [
        ("menu", True, False), ("answer", False, True),
        ("answer_heard", False, False)]


def call(started: datetime, **fields) -> dict:
    base = {"call_sid": "CA" + "0" * 32, "caller_hash": None, "started_at": started,
            "ended_at": started, "call_status": "completed", "duration_s": 30, "steps": 3,
            "path": "", "topic": "top/4", "topic_label": "広告メール", "desk": "center",
            "delivery": "read", "transfer_result": None, "desk_closed": None,
            "end_reason": "answer_heard", "closure_day": False, "announced": False}
    return base | fields


def test_report_counts_calls_on_closure_days_and_announced_answers():
    late = datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc)  # 00:30 on the 8th in Japan
    report = build("2026-12", [
        call(late, closure_day=True, announced=True),
        call(late, closure_day=True, desk=None, topic=None, end_reason="hung_up_in_menu"),
        call(datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc), closure_day=True, desk="ipa"),
        call(datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc), announced=True),
        call(datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)),
        call(datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc), closure_day=None, announced=None),
    ])
    assert report.closure_days == {"2026-12-08": 3}
    assert report.announced_answers == {"center": 2}
    lines = render_text(report).splitlines()
    at = lines.index("Calls on days the calendar closed a desk:")
    assert lines[at + 1].split() == ["2026-12-08", "3"]
    at = lines.index("Answers given on calls with a dated announcement:")
    assert lines[at + 1].split() == ["center", "2"]
    rows = render_csv(report).splitlines()
    assert "2026-12,closure_day,2026-12-08,3" in rows and "2026-12,announced_answer,center,2" in rows


def test_calls_recorded_before_the_migration_count_as_neither(database):
    engine = store.make_engine(database)
    store.upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO calls (call_sid, started_at, steps, path, desk) "
            "VALUES ('CA" + "1" * 32 + "', :at, 1, 'start', 'center')"),
            {"at": datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)})
    store.upgrade(engine)
    rows = store.calls_between(engine, datetime(2026, 12, 1, tzinfo=JAPAN),
                               datetime(2027, 1, 1, tzinfo=JAPAN))
    engine.dispose()
    assert [(r["closure_day"], r["announced"]) for r in rows] == [(None, None)]
    report = build("2026-12", rows)
    assert report.closure_days == {} and report.announced_answers == {}
