"""The monthly report: what people called about and how their calls went (pure, then rendered)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date

from ..core.hours import JAPAN
from ..core.notices import ENGLISH, Notice, in_words, language_of, notice, pnotice

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
        # TRANSLATORS: ivr report --month was given something that is not a month like 2026-12.
        raise ValueError(notice("'%(month)s' is not a month like 2026-12", month=month))
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


def _table(rows: list[tuple[str, int]], total: int | None = None, locale: str | None = ENGLISH) -> list[str]:
    if not rows:
        # TRANSLATORS: an empty section of the monthly report.
        return ["  " + notice("(none)").render(locale)]
    width = max(_columns(name) for name, _ in rows)
    lines = []
    for name, count in rows:
        share = f"  {100 * count / total:5.1f}%" if total else ""
        padding = " " * (width - _columns(name))
        lines.append(f"  {name}{padding}  {count:5d}{share}")
    return lines


# What the codes in the records mean, for a report in words (the English report shows the codes).
ENDINGS = {
    # TRANSLATORS: how a call ended: the caller heard a desk's answer to its end and the line said goodbye.
    "answer_heard": pnotice("ending", "heard the answer to its end"),
    # TRANSLATORS: how a call ended: it was put through to a desk.
    "transferred": pnotice("ending", "put through to a desk"),
    # TRANSLATORS: how a call ended: the line ended it after too many wrong keys.
    "max_failures": pnotice("ending", "ended after too many wrong keys"),
    # TRANSLATORS: how a call ended: the line ended it after the caller stayed silent too often.
    "no_input": pnotice("ending", "ended after silence"),
    # TRANSLATORS: how a call ended: the line failed and gave 188 with an apology.
    "error": pnotice("ending", "ended by a fault of the line"),
    # TRANSLATORS: how a call ended: the caller hung up after hearing a desk's answer.
    "hung_up_after_answer": pnotice("ending", "hung up after the answer"),
    # TRANSLATORS: how a call ended: the caller hung up while being put through.
    "hung_up_in_transfer": pnotice("ending", "hung up while being put through"),
    # TRANSLATORS: how a call ended: the caller hung up in a menu, before any answer.
    "hung_up_in_menu": pnotice("ending", "hung up in a menu"),
    # TRANSLATORS: how a call ended: the call never reached the line.
    "not_connected": pnotice("ending", "never connected"),
    # TRANSLATORS: how a call ended: Twilio says the line was busy.
    "busy": pnotice("ending", "busy"),
    # TRANSLATORS: how a call ended: Twilio says no one answered.
    "no-answer": pnotice("ending", "not answered"),
    # TRANSLATORS: how a call ended: Twilio says the call failed.
    "failed": pnotice("ending", "failed"),
    # TRANSLATORS: how a call ended: Twilio says the call was cancelled.
    "canceled": pnotice("ending", "cancelled"),
    # TRANSLATORS: how a call ended: its end is not recorded yet (still going, or its status never came).
    "open": pnotice("ending", "end not recorded"),
}
TRANSFERS = {
    # TRANSLATORS: how a transfer went: the desk answered and the call ended there.
    "completed": pnotice("transfer", "connected"),
    # TRANSLATORS: how a transfer went: the desk answered.
    "answered": pnotice("transfer", "answered"),
    # TRANSLATORS: how a transfer went: the desk's line was busy.
    "busy": pnotice("transfer", "busy"),
    # TRANSLATORS: how a transfer went: the desk did not answer.
    "no-answer": pnotice("transfer", "not answered"),
    # TRANSLATORS: how a transfer went: the call could not be put through.
    "failed": pnotice("transfer", "failed"),
    # TRANSLATORS: how a transfer went: the caller hung up before it connected.
    "canceled": pnotice("transfer", "cancelled by the caller"),
    # TRANSLATORS: how a transfer went: asked for while the desk was closed, so not put through.
    "closed": pnotice("transfer", "desk closed, not put through"),
    # TRANSLATORS: how a transfer went: its result never came.
    "unknown": pnotice("transfer", "result unknown"),
}
TEXT_STATUSES = {
    # TRANSLATORS: a text message waiting to be sent.
    "queued": pnotice("text message", "waiting to be sent"),
    # TRANSLATORS: a text message Twilio accepted.
    "sent": pnotice("text message", "sent"),
    # TRANSLATORS: a text message Twilio refused (e.g. to a landline).
    "refused": pnotice("text message", "refused"),
    # TRANSLATORS: a text message Twilio failed to take (its fault).
    "failed": pnotice("text message", "failed"),
    # TRANSLATORS: a text message that could not reach Twilio at all.
    "unreachable": pnotice("text message", "Twilio unreachable"),
    # TRANSLATORS: a text message dropped before it was sent (the line was stopping).
    "dropped": pnotice("text message", "dropped"),
}
CSV_SECTIONS = {
    # TRANSLATORS: a section of the monthly report's CSV: counts of calls.
    "calls": pnotice("csv section", "calls"),
    # TRANSLATORS: a section of the monthly report's CSV: calls per topic.
    "topic": pnotice("csv section", "topic"),
    # TRANSLATORS: a section of the monthly report's CSV: calls per desk.
    "desk": pnotice("csv section", "desk"),
    # TRANSLATORS: a section of the monthly report's CSV: calls per desk whose number was read out.
    "desk_read": pnotice("csv section", "desk, read out"),
    # TRANSLATORS: a section of the monthly report's CSV: calls per desk put through.
    "desk_transferred": pnotice("csv section", "desk, transferred"),
    # TRANSLATORS: a section of the monthly report's CSV: answers given while the desk was closed.
    "closed_answer": pnotice("csv section", "answer while closed"),
    # TRANSLATORS: a section of the monthly report's CSV: calls on days the calendar closed a desk.
    "closure_day": pnotice("csv section", "calls on a closure day"),
    # TRANSLATORS: a section of the monthly report's CSV: answers on calls with a dated announcement.
    "announced_answer": pnotice("csv section", "answer after an announcement"),
    # TRANSLATORS: a section of the monthly report's CSV: transfers by how they went.
    "transfer": pnotice("csv section", "transfer"),
    # TRANSLATORS: a section of the monthly report's CSV: calls by how they ended.
    "ending": pnotice("csv section", "ending"),
    # TRANSLATORS: a section of the monthly report's CSV: callers (keyed hash) who called more than once.
    "repeat_caller": pnotice("csv section", "repeat caller"),
    # TRANSLATORS: a section of the monthly report's CSV: calls by hour of the day, Japan time.
    "hour_jst": pnotice("csv section", "hour (Japan time)"),
}
CSV_CALLS = {
    # TRANSLATORS: a row of the monthly report's CSV: all calls.
    "total": pnotice("csv item", "total"),
    # TRANSLATORS: a row of the monthly report's CSV: calls whose final status came.
    "with_final_status": pnotice("csv item", "with a final status"),
    # TRANSLATORS: a row of the monthly report's CSV: calls that never reached an answer.
    "ended_in_menu": pnotice("csv item", "ended in a menu"),
    # TRANSLATORS: a row of the monthly report's CSV: talk time in seconds.
    "talk_seconds": pnotice("csv item", "talk time (seconds)"),
}


class _Words:
    """The report's codes in a locale's words: desks by name, endings and transfers described."""

    def __init__(self, locale: str | None, names: Mapping[str, str] | None):
        self.locale = locale
        self.english = language_of(locale) == ENGLISH
        self.names = {} if self.english else dict(names or {})

    def __call__(self, text: Notice) -> str:
        return text.render(self.locale)

    def desk(self, desk_id: str) -> str:
        return self.names.get(desk_id, desk_id)

    def coded(self, table: Mapping[str, Notice], code: str) -> str:
        return code if self.english or code not in table else table[code].render(self.locale)

    def day(self, iso: str) -> str:
        return iso if self.english else in_words(date.fromisoformat(iso), self.locale)

    def month(self, month: str) -> str:
        if self.english:
            return month
        # TRANSLATORS: a Babel date pattern for a month in the report's titles (ja: y年M月 → 2026年12月).
        pattern = pnotice("month pattern", "yyyy-MM").render(self.locale)
        return format_date(date(int(month[:4]), int(month[5:7]), 1), pattern, locale=language_of(self.locale))


def render_text(report: MonthlyReport, locale: str | None = ENGLISH,
                names: Mapping[str, str] | None = None) -> str:
    """The report as plain text for a terminal or an email; in a locale ("ja": Japanese, desks by
    `names` (id → name), endings and transfers in words)."""
    say = _Words(locale, names)
    # TRANSLATORS: the monthly report's title.
    out = [say(notice("Monthly report %(month)s (Japan time), meiwaku-ivr", month=say.month(report.month))),
           "",
           # TRANSLATORS: the monthly report's totals: calls, calls whose end was recorded, minutes talked.
           say(notice("Calls: %(calls)s   with a final status: %(complete)s   talk time: %(minutes)s min",
                      calls=report.calls, complete=report.complete, minutes=report.total_seconds // 60)),
           # TRANSLATORS: a heading of the monthly report.
           "", say(notice("Calls per topic:"))]
    out += _table(report.topics.most_common(), report.calls, locale)
    # TRANSLATORS: a heading of the monthly report: per desk, answers read out and calls put through.
    out += ["", say(notice("Calls per desk (read out / transferred):"))]
    # TRANSLATORS: a row of the monthly report: a desk, answers read out / calls put through.
    desk_rows = [(say(notice("%(desk)s (%(read)s / %(transferred)s)", desk=say.desk(desk),
                             read=report.delivery[(desk, "read")],
                             transferred=report.delivery[(desk, "transferred")])), n)
                 for desk, n in report.desks.most_common()]
    out += _table(desk_rows, report.calls, locale)
    # TRANSLATORS: a heading of the monthly report.
    out += ["", say(notice("Answers given while the desk was closed:"))]
    out += _table([(say.desk(d), n) for d, n in report.closed_answers.most_common()], locale=locale)
    # TRANSLATORS: a heading of the monthly report: calls on the days the calendar closed some desk.
    out += ["", say(notice("Calls on days the calendar closed a desk:"))]
    out += _table([(say.day(day), n) for day, n in sorted(report.closure_days.items())], locale=locale)
    # TRANSLATORS: a heading of the monthly report: answers on calls that heard a dated announcement.
    out += ["", say(notice("Answers given on calls with a dated announcement:"))]
    out += _table([(say.desk(d), n) for d, n in report.announced_answers.most_common()], locale=locale)
    # TRANSLATORS: a heading of the monthly report.
    out += ["", say(notice("Transfers by outcome:"))]
    out += _table([(say.coded(TRANSFERS, r), n) for r, n in report.transfers.most_common()], locale=locale)
    # TRANSLATORS: a heading of the monthly report.
    out += ["", say(notice("How calls ended:"))]
    out += _table([(say.coded(ENDINGS, r), n) for r, n in report.endings.most_common()], report.calls, locale)
    # TRANSLATORS: a line of the monthly report: calls that ended before any desk's answer.
    out += ["", say(notice("Calls that ended in a menu (no answer reached): %(count)s", count=report.ended_in_menu))]
    # TRANSLATORS: a heading of the monthly report: text messages per desk, sent and asked for.
    out += ["", say(notice("Text messages per desk (sent / asked for):"))]
    # TRANSLATORS: a row of the monthly report: a desk, text messages sent / asked for.
    out += _table([(say(notice("%(desk)s (%(sent)s / %(asked)s)", desk=say.desk(desk), sent=sent, asked=asked)),
                    sent) for desk, sent, asked in report.texts_per_desk()], locale=locale)
    repeaters = report.repeat_callers
    # TRANSLATORS: a line of the monthly report: callers counted by a keyed hash of their number
    # (never the number), those who called more than once, and calls without a number.
    out += ["", say(notice("Callers (by keyed hash): %(callers)s   called more than once: %(repeaters)s   "
                           "calls without a hash: %(unhashed)s", callers=len(report.callers),
                           repeaters=len(repeaters), unhashed=report.unhashed))]
    out += _table([(h[:HASH_SHOWN], n) for h, n in list(repeaters.items())[:TOP_REPEATERS]], locale=locale)
    # TRANSLATORS: a heading of the monthly report.
    out += ["", say(notice("Busiest hours (Japan time):"))]
    # TRANSLATORS: an hour of the day in the monthly report, e.g. 10:00-10:59 (ja: 10:00〜10:59).
    out += _table([(say(notice("%(hour)s:00-%(hour)s:59", hour=format(h, "02d"))), n)
                   for h, n in report.busiest_hours()], report.calls, locale)
    # TRANSLATORS: a heading of the monthly report: a bar per hour of the day.
    out += ["", say(notice("Calls by hour:"))]
    peak = max(report.hours.values(), default=0)
    for hour in range(24):
        count = report.hours[hour]
        if count:
            bar = "#" * max(1, round(40 * count / peak))
            out.append(f"  {hour:02d}  {count:5d}  {bar}")
    return "\n".join(out) + "\n"


def render_csv(report: MonthlyReport, locale: str | None = ENGLISH,
               names: Mapping[str, str] | None = None) -> str:
    """The report as CSV rows: month, section, item, count; in a locale, the header, sections and
    items in its words (desks by `names`)."""
    say = _Words(locale, names)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if say.english:
        writer.writerow(["month", "section", "item", "count"])
    else:
        writer.writerow([
            # TRANSLATORS: a column of the monthly report's CSV: the month, e.g. 2026年12月.
            say(pnotice("csv column", "month")),
            # TRANSLATORS: a column of the monthly report's CSV: the section (calls, topic, desk, …).
            say(pnotice("csv column", "section")),
            # TRANSLATORS: a column of the monthly report's CSV: what is counted (a desk, a topic, …).
            say(pnotice("csv column", "item")),
            # TRANSLATORS: a column of the monthly report's CSV: the count.
            say(pnotice("csv column", "count")),
        ])
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
    month = say.month(report.month)
    for section, item, count in rows:
        writer.writerow([month, _csv_section(say, section), _csv_item(say, section, item), count])
    return buffer.getvalue()


def _csv_section(say: _Words, section: str) -> str:
    if say.english:
        return section
    if section.startswith("sms_") and section[4:] in TEXT_STATUSES:
        # TRANSLATORS: a section of the monthly report's CSV: text messages per desk, by how they went.
        return say(notice("text messages, %(status)s", status=TEXT_STATUSES[section[4:]]))
    return say.coded(CSV_SECTIONS, section)


def _csv_item(say: _Words, section: str, item: str) -> str:
    if section == "calls":
        return say.coded(CSV_CALLS, item)
    if section == "closure_day":
        return say.day(item)
    if section == "transfer":
        return say.coded(TRANSFERS, item)
    if section == "ending":
        return say.coded(ENDINGS, item)
    if section.startswith(("desk", "closed_answer", "announced_answer", "sms_")):
        return say.desk(item)
    return item


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


def render_png(report: MonthlyReport, locale: str | None = ENGLISH,
               names: Mapping[str, str] | None = None) -> bytes:
    """Charts for the center's monthly report: topics, desks, hours, endings; titles, axes, desks
    and endings in a locale's words when a font for it is installed (else in English)."""
    figure = chart_figure(report, locale, names)
    from matplotlib import pyplot as plt  # chart_figure has chosen the Agg backend

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def chart_figure(report: MonthlyReport, locale: str | None = ENGLISH, names: Mapping[str, str] | None = None):
    """The report's charts as a matplotlib Figure (close it with pyplot.close when done)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    japanese = japanese_font()
    if japanese:
        plt.rcParams["font.family"] = japanese
    else:
        locale = ENGLISH  # no font for the words: English titles, not empty boxes
    say = _Words(locale, names)

    def label(name: str) -> str:
        # Without a Japanese font, keep only the ASCII id in brackets: no empty boxes.
        if japanese or name.isascii():
            return name
        found = re.search(r"\(([^()]*)\)$", name)
        return found.group(1) if found else name.encode("ascii", "replace").decode()

    figure, axes = plt.subplots(2, 2, figsize=(12, 8), dpi=100)
    # TRANSLATORS: the title over the monthly report's charts.
    figure.suptitle(say(notice("Calls %(month)s (Japan time): %(calls)s calls", month=say.month(report.month),
                               calls=report.calls)))
    charts = [
        # TRANSLATORS: a chart's title in the monthly report.
        (axes[0][0], say(notice("Calls per topic")), report.topics.most_common()),
        # TRANSLATORS: a chart's title in the monthly report.
        (axes[0][1], say(notice("Calls per desk")), [(say.desk(d), n) for d, n in report.desks.most_common()]),
        # TRANSLATORS: a chart's title in the monthly report.
        (axes[1][1], say(notice("How calls ended")),
         [(say.coded(ENDINGS, r), n) for r, n in report.endings.most_common()]),
    ]
    # TRANSLATORS: the axis of the number of calls in the monthly report's charts.
    calls_axis = say(notice("calls"))
    for axis, title, rows in charts:
        names_shown = [label(name) for name, _ in rows][::-1]
        axis.barh(names_shown, [n for _, n in rows][::-1], color="#3b6ea5")
        axis.set_title(title)
        axis.set_xlabel(calls_axis)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole calls
        axis.tick_params(axis="y", labelsize=8)
    hours = list(range(24))
    axes[1][0].bar(hours, [report.hours[h] for h in hours], color="#d2691e")
    # TRANSLATORS: a chart's title in the monthly report.
    axes[1][0].set_title(say(notice("Calls by hour")))
    # TRANSLATORS: the axis of the hours of the day in the monthly report's chart.
    axes[1][0].set_xlabel(say(notice("hour of the day (Japan time)")))
    axes[1][0].set_ylabel(calls_axis)
    axes[1][0].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1][0].set_xticks(range(0, 24, 3))
    figure.tight_layout()
    return figure
