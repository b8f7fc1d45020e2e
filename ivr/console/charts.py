"""The monthly report for the console: the records' counts with desks by name and outcomes in
words, and charts of them (matplotlib, with a Japanese font)."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

from ..core.hours import JAPAN
from ..core.routes import Routes
from ..records.report import MonthlyReport, japanese_font
from .describe import month_text
from .i18n import tr


def ending_words() -> dict[str, str]:
    return {
        # TRANSLATORS: how a call ended: the caller heard a desk's answer to its end.
        "answer_heard": tr("heard an answer"),
        # TRANSLATORS: how a call ended: put through to a desk.
        "transferred": tr("put through"),
        # TRANSLATORS: how a call ended: hung up after hearing an answer.
        "hung_up_after_answer": tr("hung up after an answer"),
        # TRANSLATORS: how a call ended: hung up while in a menu.
        "hung_up_in_menu": tr("hung up in a menu"),
        # TRANSLATORS: how a call ended: hung up while being put through.
        "hung_up_in_transfer": tr("hung up while being put through"),
        # TRANSLATORS: how a call ended: silent twice, so the line said goodbye.
        "no_input": tr("silent"),
        # TRANSLATORS: how a call ended: three wrong keys or words not understood.
        "max_failures": tr("wrong keys or words"),
        # TRANSLATORS: how a call ended: the line failed (the caller heard an apology and 188).
        "error": tr("the line failed"),
        # TRANSLATORS: how a call ended: it never connected.
        "not_connected": tr("not connected"),
        # TRANSLATORS: how a call ended: still going on, or its end never reported.
        "open": tr("no end reported"),
    }


def transfer_words() -> dict[str, str]:
    return {
        # TRANSLATORS: a transfer's outcome: the desk answered.
        "completed": tr("answered"),
        # TRANSLATORS: a transfer's outcome: the desk's line was busy.
        "busy": tr("busy"),
        # TRANSLATORS: a transfer's outcome: nobody answered.
        "no-answer": tr("no answer"),
        # TRANSLATORS: a transfer's outcome: the call could not be placed.
        "failed": tr("failed"),
        # TRANSLATORS: a transfer's outcome: the caller hung up first.
        "canceled": tr("caller hung up"),
        # TRANSLATORS: a transfer's outcome: the caller asked while the desk was closed.
        "closed": tr("desk closed"),
        # TRANSLATORS: a transfer's outcome not reported.
        "unknown": tr("unknown"),
    }


def _topic(name: str) -> str:
    found = re.match(r"(.*) \(([^()]*)\)$", name)
    return found.group(1) if found else name


def report_view(report: MonthlyReport, calls: list[dict], routes: Routes) -> dict:
    """The report's tables, labelled for operators."""
    def desk(ident: str) -> str:
        return routes.desks[ident].name if ident in routes.desks else ident

    endings, transfers = ending_words(), transfer_words()
    by_day = Counter(c["started_at"].astimezone(JAPAN).day for c in calls)
    spoken = sum((c["path"] or "").count("=say") for c in calls)
    not_understood = sum(1 for c in calls if "not_understood" in (c.get("last_outcome") or ""))
    return {
        "calls": report.calls, "complete": report.complete, "minutes": report.total_seconds // 60,
        "topics": [(_topic(name), n) for name, n in report.topics.most_common()],
        "desks": [(desk(d), n, report.delivery[(d, "read")], report.delivery[(d, "transferred")])
                  for d, n in report.desks.most_common()],
        "closed_answers": [(desk(d), n) for d, n in report.closed_answers.most_common()],
        "closure_days": sorted(report.closure_days.items()),
        "announced": [(desk(d), n) for d, n in report.announced_answers.most_common()],
        "transfers": [(transfers.get(r, r), n) for r, n in report.transfers.most_common()],
        "endings": [(endings.get(r, r), n) for r, n in report.endings.most_common()],
        "in_menu": report.ended_in_menu,
        "texts": [(desk(d), sent, asked) for d, sent, asked in report.texts_per_desk()],
        "callers": len(report.callers), "repeaters": len(report.repeat_callers),
        "repeat_hashes": [(h[:12], n) for h, n in list(report.repeat_callers.items())[:10]],
        "hours": [(h, report.hours[h]) for h in range(24)],
        "peak_hour": max(report.hours.values(), default=0),
        "days": sorted(by_day.items()), "peak_day": max(by_day.values(), default=0),
        "spoken": spoken, "not_understood": not_understood,
    }


def report_png(report: MonthlyReport, calls: list[dict], routes: Routes) -> bytes | None:
    """Six charts: calls by day and by hour, topics, desks, how calls ended, text messages."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = japanese_font()
    if font:
        plt.rcParams["font.family"] = font
    view = report_view(report, calls, routes)
    figure, axes = plt.subplots(3, 2, figsize=(12, 12), dpi=90)
    year, month = report.month.split("-")
    # TRANSLATORS: the title of the report's charts: the month and the number of calls.
    figure.suptitle(tr("Calls in %(month)s: %(calls)s", month=month_text(datetime(int(year), int(month), 1).date()),
                       calls=report.calls))
    first = datetime(int(year), int(month), 1)
    days = range(1, 32 if first.month != 2 else 30)
    by_day = dict(view["days"])
    axes[0][0].bar(list(days), [by_day.get(d, 0) for d in days], color="#3b6ea5")
    # TRANSLATORS: a chart title: calls on each day of the month.
    axes[0][0].set_title(tr("Calls by day"))
    axes[0][1].bar([h for h, _ in view["hours"]], [n for _, n in view["hours"]], color="#d2691e")
    # TRANSLATORS: a chart title: calls by hour of the day (Japan time).
    axes[0][1].set_title(tr("Calls by hour"))
    axes[0][1].set_xticks(range(0, 24, 3))
    bars = [
        # TRANSLATORS: a chart title: calls per topic chosen.
        (axes[1][0], tr("Topics"), view["topics"]),
        # TRANSLATORS: a chart title: calls per desk given.
        (axes[1][1], tr("Desks"), [(name, n) for name, n, _, _ in view["desks"]]),
        # TRANSLATORS: a chart title: how calls ended.
        (axes[2][0], tr("How calls ended"), view["endings"]),
        # TRANSLATORS: a chart title: text messages sent per desk.
        (axes[2][1], tr("Text messages sent"), [(name, sent) for name, sent, _ in view["texts"]]),
    ]
    for axis, title, rows in bars:
        names = [name if font or name.isascii() else "?" for name, _ in rows][::-1]
        axis.barh(names, [n for _, n in rows][::-1], color="#3b6ea5")
        axis.set_title(title)
        axis.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
