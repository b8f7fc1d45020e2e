"""The monthly report: what people called about and how their calls went (pure, then rendered)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..core.hours import JAPAN

IN_A_MENU = ("hung_up_in_menu", "no_input", "max_failures")
HASH_SHOWN = 12
TOP_REPEATERS = 10


@dataclass
class MonthlyReport:
    """Counts for one calendar month of calls, Japan time."""

    month: str
    calls: int = 0
    complete: int = 0
    topics: Counter = field(default_factory=Counter)
    desks: Counter = field(default_factory=Counter)
    delivery: Counter = field(default_factory=Counter)
    closed_answers: Counter = field(default_factory=Counter)
    closure_days: Counter = field(default_factory=Counter)  # Japan date → calls that day
    announced_answers: Counter = field(default_factory=Counter)  # desk → answers
    transfers: Counter = field(default_factory=Counter)
    endings: Counter = field(default_factory=Counter)
    hours: Counter = field(default_factory=Counter)
    callers: Counter = field(default_factory=Counter)
    unhashed: int = 0
    total_seconds: int = 0
    texts: Counter = field(default_factory=Counter)  # (desk, status) of each text message asked for

    @property
    def ended_in_menu(self) -> int:
        """Calls that never reached an answer: hung up, silent or wrong keys in a menu."""
        return sum(self.endings[reason] for reason in IN_A_MENU)

    @property
    def repeat_callers(self) -> dict[str, int]:
        """Hashed callers who called more than once, most calls first."""
        return {h: n for h, n in self.callers.most_common() if n > 1}

    def texts_per_desk(self) -> list[tuple[str, int, int]]:
        """(desk, messages sent, messages asked for), most asked for first."""
        asked: Counter = Counter()
        sent: Counter = Counter()
        for (desk, status), n in self.texts.items():
            asked[desk] += n
            sent[desk] += n if status == "sent" else 0
        return [(desk, sent[desk], n) for desk, n in asked.most_common()]

    def busiest_hours(self, count: int = 3) -> list[tuple[int, int]]:
        """The hours of the day (Japan time) with the most calls."""
        return sorted(self.hours.items(), key=lambda item: (-item[1], item[0]))[:count]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first moment of YYYY-MM and of the month after it, Japan time."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValueError(f"'{month}' is not a month like 2026-12")
    year, number = int(month[:4]), int(month[5:])
    start = datetime(year, number, 1, tzinfo=JAPAN)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=JAPAN)
    return start, end


def build(month: str, calls: list[dict], texts: list[dict] = ()) -> MonthlyReport:
    """Count a month's call records, and the text messages callers asked for (desk, status)."""
    report = MonthlyReport(month)
    for text in texts:
        report.texts[(text["desk"], text["status"])] += 1
    for call in calls:
        report.calls += 1
        report.complete += call["ended_at"] is not None
        report.total_seconds += call["duration_s"] or 0
        if call["topic"]:
            label = call["topic_label"] or call["topic"]
            report.topics[f"{label} ({call['topic']})"] += 1
        if call["desk"]:
            report.desks[call["desk"]] += 1
            report.delivery[(call["desk"], call["delivery"] or "read")] += 1
            if call["desk_closed"]:
                report.closed_answers[call["desk"]] += 1
            if call.get("announced"):
                report.announced_answers[call["desk"]] += 1
        if call.get("closure_day"):
            report.closure_days[call["started_at"].astimezone(JAPAN).date().isoformat()] += 1
        if call["delivery"] == "transferred" or call["transfer_result"] == "closed":
            report.transfers[call["transfer_result"] or "unknown"] += 1
        report.endings[call["end_reason"] or "open"] += 1
        report.hours[call["started_at"].astimezone(JAPAN).hour] += 1
        if call["caller_hash"]:
            report.callers[call["caller_hash"]] += 1
        else:
            report.unhashed += 1
    return report


def _columns(text: str) -> int:
    """Terminal columns: Japanese full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[tuple[str, int]], total: int | None = None) -> list[str]:
    if not rows:
        return ["  (none)"]
    width = max(_columns(name) for name, _ in rows)
    lines = []
    for name, count in rows:
        share = f"  {100 * count / total:5.1f}%" if total else ""
        padding = " " * (width - _columns(name))
        lines.append(f"  {name}{padding}  {count:5d}{share}")
    return lines


def render_text(report: MonthlyReport) -> str:
    """The report as plain text for a terminal or an email."""
    out = [f"Monthly report {report.month} (Japan time), meiwaku-ivr",
           "",
           f"Calls: {report.calls}   with a final status: {report.complete}   "
           f"talk time: {report.total_seconds // 60} min",
           "", "Calls per topic:"]
    out += _table(report.topics.most_common(), report.calls)
    out += ["", "Calls per desk (read out / transferred):"]
    desk_rows = [(f"{desk} ({report.delivery[(desk, 'read')]} / "
                  f"{report.delivery[(desk, 'transferred')]})", n)
                 for desk, n in report.desks.most_common()]
    out += _table(desk_rows, report.calls)
    out += ["", "Answers given while the desk was closed:"]
    out += _table(report.closed_answers.most_common())
    out += ["", "Calls on days the calendar closed a desk:"]
    out += _table(sorted(report.closure_days.items()))
    out += ["", "Answers given on calls with a dated announcement:"]
    out += _table(report.announced_answers.most_common())
    out += ["", "Transfers by outcome:"]
    out += _table(report.transfers.most_common())
    out += ["", "How calls ended:"]
    out += _table(report.endings.most_common(), report.calls)
    out += ["", f"Calls that ended in a menu (no answer reached): {report.ended_in_menu}"]
    out += ["", "Text messages per desk (sent / asked for):"]
    out += _table([(f"{desk} ({sent} / {asked})", sent) for desk, sent, asked in report.texts_per_desk()])
    repeaters = report.repeat_callers
    out += ["", f"Callers (by keyed hash): {len(report.callers)}   called more than once: "
                f"{len(repeaters)}   calls without a hash: {report.unhashed}"]
    out += _table([(h[:HASH_SHOWN], n) for h, n in list(repeaters.items())[:TOP_REPEATERS]])
    out += ["", "Busiest hours (Japan time):"]
    out += _table([(f"{h:02d}:00-{h:02d}:59", n) for h, n in report.busiest_hours()], report.calls)
    out += ["", "Calls by hour:"]
    peak = max(report.hours.values(), default=0)
    for hour in range(24):
        count = report.hours[hour]
        if count:
            bar = "#" * max(1, round(40 * count / peak))
            out.append(f"  {hour:02d}  {count:5d}  {bar}")
    return "\n".join(out) + "\n"


def render_csv(report: MonthlyReport) -> str:
    """The report as CSV rows: section, item, count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["month", "section", "item", "count"])
    rows: list[tuple[str, str, int]] = [("calls", "total", report.calls),
                                        ("calls", "with_final_status", report.complete),
                                        ("calls", "ended_in_menu", report.ended_in_menu),
                                        ("calls", "talk_seconds", report.total_seconds)]
    rows += [("topic", name, n) for name, n in report.topics.most_common()]
    rows += [("desk", desk, n) for desk, n in report.desks.most_common()]
    rows += [(f"desk_{how}", desk, n) for (desk, how), n in sorted(report.delivery.items())]
    rows += [("closed_answer", desk, n) for desk, n in report.closed_answers.most_common()]
    rows += [("closure_day", day, n) for day, n in sorted(report.closure_days.items())]
    rows += [("announced_answer", desk, n) for desk, n in report.announced_answers.most_common()]
    rows += [("transfer", result, n) for result, n in report.transfers.most_common()]
    rows += [("ending", reason, n) for reason, n in report.endings.most_common()]
    rows += [("repeat_caller", h[:HASH_SHOWN], n) for h, n in report.repeat_callers.items()]
    rows += [(f"sms_{status}", desk, n) for (desk, status), n in sorted(report.texts.items())]
    rows += [("hour_jst", f"{h:02d}", report.hours[h]) for h in range(24)]
    for section, item, count in rows:
        writer.writerow([report.month, section, item, count])
    return buffer.getvalue()


JAPANESE_FONTS = ("IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic",
                  "VL Gothic", "Source Han Sans JP")


def japanese_font() -> str | None:
    """A Japanese font matplotlib can use: IPAexGothic from matplotlib-fontja, else one installed."""
    from matplotlib import font_manager

    try:
        from matplotlib_fontja import get_font_ttf_path
    except ImportError:
        pass
    else:
        font_manager.fontManager.addfont(get_font_ttf_path())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in JAPANESE_FONTS if name in installed), None)


def render_png(report: MonthlyReport) -> bytes:
    """Charts for the center's monthly report: topics, desks, hours, endings."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    japanese = japanese_font()
    if japanese:
        plt.rcParams["font.family"] = japanese

    def label(name: str) -> str:
        # Without a Japanese font, keep only the ASCII id in brackets: no empty boxes.
        if japanese or name.isascii():
            return name
        found = re.search(r"\(([^()]*)\)$", name)
        return found.group(1) if found else name.encode("ascii", "replace").decode()

    figure, axes = plt.subplots(2, 2, figsize=(12, 8), dpi=100)
    figure.suptitle(f"Calls {report.month} (Japan time): {report.calls} calls")
    charts = [
        (axes[0][0], "Calls per topic", report.topics.most_common()),
        (axes[0][1], "Calls per desk", report.desks.most_common()),
        (axes[1][1], "How calls ended", report.endings.most_common()),
    ]
    for axis, title, rows in charts:
        names = [label(name) for name, _ in rows][::-1]
        axis.barh(names, [n for _, n in rows][::-1], color="#3b6ea5")
        axis.set_title(title)
        axis.tick_params(axis="y", labelsize=8)
    hours = list(range(24))
    axes[1][0].bar(hours, [report.hours[h] for h in hours], color="#d2691e")
    axes[1][0].set_title("Calls by hour")
    axes[1][0].set_xticks(range(0, 24, 3))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
