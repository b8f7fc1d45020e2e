"""`ivr report`: a month of records counted per topic, desk, transfer, ending, caller and hour."""

from __future__ import annotations

import csv
import io
import struct
import sys
from datetime import datetime, timezone

import pytest
from records_helpers import drained, place_call, record_app

from ivr.command import main
from ivr.core.hours import JAPAN
from ivr.records.report import build, month_bounds, render_csv, render_text

UTC = timezone.utc


def call(started: datetime, **fields) -> dict:
    base = {"call_sid": "CA" + "0" * 32, "caller_hash": None, "started_at": started,
            "ended_at": started, "call_status": "completed", "duration_s": 30, "steps": 3,
            "path": "", "topic": None, "topic_label": None, "desk": None, "delivery": None,
            "transfer_result": None, "desk_closed": None, "end_reason": "hung_up_in_menu"}
    return base | fields


def center(started, **fields):
    return call(started, **({"topic": "ads/1", "topic_label": "ご相談", "desk": "center",
                             "delivery": "read", "end_reason": "answer_heard"} | fields))


def test_month_bounds_are_japan_time():
    assert month_bounds("2026-12") == (datetime(2026, 12, 1, tzinfo=JAPAN), datetime(2027, 1, 1, tzinfo=JAPAN))
    assert month_bounds("2027-02")[1] == datetime(2027, 3, 1, tzinfo=JAPAN)
    for wrong in ("2026-13", "2026-1", "Dec 2026", "2026-12-01"):
        with pytest.raises(ValueError):
            month_bounds(wrong)


def test_counts():
    ten_thirty = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 10:30 in Japan
    night = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)  # 22:00 in Japan
    report = build("2026-12", [
        center(ten_thirty, caller_hash="a" * 64),
        center(ten_thirty, caller_hash="a" * 64, delivery="transferred", transfer_result="busy"),
        center(night, caller_hash="b" * 64, desk_closed=True, transfer_result="closed"),
        call(night, caller_hash="c" * 64),
        call(night, end_reason="max_failures", ended_at=None),
        call(ten_thirty, topic="top/5", topic_label="ウイルス", desk="ipa", delivery="read",
             end_reason="hung_up_after_answer"),
    ])
    assert report.calls == 6 and report.complete == 5
    assert report.topics == {"ご相談 (ads/1)": 3, "ウイルス (top/5)": 1}
    assert report.desks == {"center": 3, "ipa": 1}
    assert report.delivery[("center", "read")] == 2 and report.delivery[("center", "transferred")] == 1
    assert report.closed_answers == {"center": 1}
    assert report.transfers == {"busy": 1, "closed": 1}
    assert report.ended_in_menu == 2
    assert report.repeat_callers == {"a" * 64: 2}
    assert report.unhashed == 2
    assert report.busiest_hours() == [(10, 3), (22, 3)]


def test_report_of_real_calls_from_the_command_line(tmp_path, clock, runner):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock)
    place_call(app, ["4", "-"])
    place_call(app, ["4", "1"], dial_status="busy")
    place_call(app, ["2"])
    clock.now = datetime(2026, 11, 30, 23, 0, tzinfo=JAPAN)  # November: not in the report
    place_call(app, ["5", "-"])
    drained(app)
    result = runner.invoke(main, ["report", "--month", "2026-12", "--database", database])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Monthly report 2026-12 (Japan time), meiwaku-ivr"
    assert result.stderr == f"records read from {tmp_path / 'r.sqlite3'}\n"
    assert lines[2].startswith("Calls: 3   with a final status: 3")
    section = lines[lines.index("Calls per desk (read out / transferred):") + 1]
    assert section.split() == ["center", "(1", "/", "1)", "2", "66.7%"]
    assert "Calls that ended in a menu (no answer reached): 1" in lines
    assert "Callers (by keyed hash): 1   called more than once: 1   calls without a hash: 0" in lines
    busiest = lines[lines.index("Busiest hours (Japan time):") + 1]
    assert busiest.split() == ["10:00-10:59", "3", "100.0%"]

    result = runner.invoke(main, ["report", "--month", "2026-12", "--database", database, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["section"], r["item"]): int(r["count"]) for r in rows}[("transfer", "busy")] == 1
    assert [r["count"] for r in rows if r["section"] == "hour_jst" and r["item"] == "10"] == ["3"]

    chart = tmp_path / "report.png"
    result = runner.invoke(main, ["report", "--month", "2026-12", "--database", database,
                                  "--format", "png", "--output", str(chart)])
    assert result.exit_code == 0, result.output
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 800)


def test_bad_month_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["report", "--month", "12-2026", "--database",
                                  f"sqlite:///{tmp_path / 'r.sqlite3'}"])
    assert result.exit_code == 2 and "not a month like 2026-12" in result.output


def test_text_and_csv_of_an_empty_month():
    report = build("2026-12", [])
    assert "Calls: 0   with a final status: 0" in render_text(report)
    assert render_csv(report).splitlines()[1] == "2026-12,calls,total,0"


def test_a_report_file_that_cannot_be_written_is_said_in_one_line(runner, tmp_path):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    assert runner.invoke(main, ["db", "upgrade", "--database", database]).exit_code == 0
    nowhere = tmp_path / "missing" / "report.csv"
    args = ["report", "--month", "2026-12", "--database", database, "--format", "csv", "-o", str(nowhere)]
    said = runner.invoke(main, args, env={"LANG": "ja_JP.UTF-8"})
    assert said.exit_code == 1 and "Traceback" not in said.output
    assert said.stderr.splitlines()[-1].startswith(f"エラー：{nowhere} に書き込めません：")
    english = runner.invoke(main, args)
    assert english.exit_code == 1 and english.stderr.splitlines()[-1].startswith(f"Error: cannot write {nowhere}: ")


def test_unreachable_database_is_one_line_not_a_traceback(runner):
    result = runner.invoke(main, ["report", "--month", "2026-12", "--database",
                                  "postgresql+psycopg://ivr@127.0.0.1:1/records"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot open the records database "
                                    "postgresql+psycopg://ivr@127.0.0.1:1/records: connection failed")
    assert result.output.count("\n") == 1 and "(check DATABASE_URL, IVR_RECORDS_DB or --database)" in result.output
    assert "Traceback" not in result.output


def test_charts_draw_japanese_labels_with_a_japanese_font():
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from ivr.records.report import japanese_font

    font = japanese_font()
    assert font == "IPAexGothic"  # shipped by matplotlib-fontja, in the report and test extras
    figure = plt.figure()
    figure.text(0.1, 0.5, "ネット通販の契約 (billing/1)", family=font)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns of every glyph its font lacks
            figure.canvas.draw()
    finally:
        plt.close(figure)


def test_png_without_matplotlib_names_the_extra_in_one_line(runner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the report extra were not installed
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    args = ["report", "--month", "2026-12", "--database", database, "--format", "png", "-o", str(tmp_path / "r.png")]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output == "Error: --format png needs the report extra: pip install 'meiwaku-ivr[report]'\n"
    result = runner.invoke(main, args, env={"LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 1
    assert result.output == ("エラー：グラフ（--format png）を描くには報告書の追加部品が必要です："
                             "pip install 'meiwaku-ivr[report]'\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["report", "--month", "2026-12"], ["purge", "--older-than", "400d"], ["db", "current"],
    ["routes", "history"], ["routes", "audit"], ["routes", "export", "1", "-o", "-"],
])
def test_a_command_that_reads_records_creates_no_database_in_the_wrong_folder(runner, tmp_path, monkeypatch,
                                                                             command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IVR_RECORDS_DB")  # the default: ivr-records.sqlite3 in the current folder
    result = runner.invoke(main, command)
    assert result.exit_code == 1
    assert result.output == (f"Error: no records database at {tmp_path / 'ivr-records.sqlite3'} (none is created "
                             "here): set IVR_RECORDS_DB to the line's records file, or DATABASE_URL, or give "
                             "--database\n")
    monkeypatch.setenv("IVR_RECORDS_DB", "records/calls.sqlite3")
    result = runner.invoke(main, command, env={"LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"エラー：通話記録のデータベースが {tmp_path / 'records' / 'calls.sqlite3'} "
                                    "にありません（ここには作りません）。IVR_RECORDS_DB")
    assert list(tmp_path.iterdir()) == []
