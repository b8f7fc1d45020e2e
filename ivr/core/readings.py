"""What the caller hears: spoken segments, and readings a speech engine cannot misread.

Numbers, addresses, times and hours are turned into readings taken from the prompt
catalog, so a number is read digit by digit in its published grouping.
Pure code: no Flask, no Twilio; the moment is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list

from .contacts import Email, Phone
from .hours import DAY_MINUTES, Hours, Span, in_japan

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
NOON = 12 * 60


class Translations(Protocol):
    """The part of gettext's interface the readers use."""

    def gettext(self, message: str) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Words:
    """Ordinary speech."""

    text: str


@dataclass(frozen=True, slots=True)
class Slow:
    """Something to write down, read group by group with pauses between groups."""

    written: str
    groups: tuple[str, ...]


Segment = Words | Slow
Text = tuple[str | Phone | Email, ...]

# How a number or an address is said (twiml.py writes it so in SSML, and the timing of what a
# caller hears counts it so): each group at this share of the voice's own rate, with a pause
# before, between and after the groups.
NUMBER_RATE = 80  # percent; Polly takes 20 % to 200 %, where its preset "slow" has no stated value
GROUP_PAUSE_MS = 400


@dataclass(frozen=True, slots=True)
class Spoken:
    """A run of speech at a rate, in percent of the voice's own."""

    text: str
    rate: int = 100


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause of a set length (an SSML <break>)."""

    ms: int


def spoken_parts(segments: tuple[Segment, ...]) -> tuple[Spoken | Pause, ...]:
    """What a caller hears, in order: runs of words at their rate, and pauses.

    This is how the segments are said (twiml.say renders exactly these parts) and how they
    are timed (a run by its length at its rate, a pause by its own).
    """
    parts: list[Spoken | Pause] = []
    text = ""
    for segment in segments:
        if isinstance(segment, Words):
            text += segment.text
            continue
        if text:
            parts.append(Spoken(text))
            text = ""
        parts.append(Pause(GROUP_PAUSE_MS))
        for i, group in enumerate(segment.groups):
            if i:
                parts.append(Pause(GROUP_PAUSE_MS))
            parts.append(Spoken(group, NUMBER_RATE))
        parts.append(Pause(GROUP_PAUSE_MS))
    if text:
        parts.append(Spoken(text))
    return tuple(parts)


def plain(segments: tuple[Segment, ...], written: bool = False) -> str:
    """The segments as one line of text: readings, or written forms when `written`."""
    out = []
    for segment in segments:
        if isinstance(segment, Words):
            out.append(segment.text)
        elif written:
            out.append(f"{segment.written}［{'、'.join(segment.groups)}］")
        else:
            out.append("、".join(segment.groups))
    return "".join(out)


class Reader:
    """Turns numbers, addresses, times and hours into speech in the catalog's language."""

    def __init__(self, translations: Translations, locale: str = "ja"):
        self.t = translations
        self.locale = locale
        # TRANSLATORS: the digits 0 to 9 as read aloud one by one, separated by spaces.
        # Use readings that cannot be misheard (e.g. ニー for 2, ゴー for 5, キュウ for 9).
        self.digits = self.t.gettext("zero one two three four five six seven eight nine").split()
        # TRANSLATORS: the letters a to z as spelled aloud, separated by spaces.
        self.letters = self.t.gettext(
            "a b c d e f g h i j k l m n o p q r s t u v w x y z"
        ).split()
        self.symbols = {
            # TRANSLATORS: the @ in an email address, read aloud.
            "@": self.t.pgettext("symbol", "at sign"),
            # TRANSLATORS: the . in an email address, read aloud.
            ".": self.t.pgettext("symbol", "dot"),
            # TRANSLATORS: a - in an email address, read aloud.
            "-": self.t.pgettext("symbol", "hyphen"),
            # TRANSLATORS: a _ in an email address, read aloud.
            "_": self.t.pgettext("symbol", "underscore"),
            # TRANSLATORS: the # key on a phone (as in #9110), read aloud.
            "#": self.t.pgettext("symbol", "hash"),
        }
        # TRANSLATORS: the pause between items read one by one (letters, spans of hours).
        self.pause = self.t.pgettext("separator", ", ")
        self.short_codes = {
            # TRANSLATORS: the police emergency number 110 as said aloud (ja: ヒャクトオバン).
            # Short codes without an entry here are read digit by digit.
            "110": self.t.pgettext("short code", "110"),
        }
        if len(self.digits) != 10 or len(self.letters) != 26:
            raise ValueError("the prompt catalog must give 10 digit and 26 letter readings")

    def _spell(self, chars: str) -> str:
        """Digits and letters one by one, joined with a short pause."""
        out = []
        for char in chars:
            if char.isdigit():
                out.append(self.digits[int(char)])
            elif "a" <= char <= "z":
                out.append(self.letters[ord(char) - ord("a")])
            else:
                out.append(self.symbols[char])
        return self.pause.join(out) if not chars.isdigit() else "".join(out)

    def phone(self, phone: Phone) -> Slow:
        """A number in its published grouping, each group digit by digit."""
        if phone.kind == "short":
            if phone.written in self.short_codes:
                return Slow(phone.written, (self.short_codes[phone.written],))
            groups = [self.symbols[c] if c == "#" else self.digits[int(c)] for c in phone.written]
            return Slow(phone.written, tuple(groups))
        return Slow(phone.written, tuple(self._spell(group) for group in phone.groups))

    def email(self, email: Email) -> Slow:
        """An address spelled letter by letter, with its @ and dots named."""
        groups: list[str] = []
        word = ""
        for char in email.address:
            if char in "@.":
                if word:
                    groups.append(self._spell(word))
                groups.append(self.symbols[char])
                word = ""
            else:
                word += char
        if word:
            groups.append(self._spell(word))
        return Slow(email.address, tuple(groups))

    def text(self, parts: Text) -> tuple[Segment, ...]:
        """Operator text with its numbers and addresses turned into readings."""
        out: list[Segment] = []
        for part in parts:
            if isinstance(part, Phone):
                out.append(self.phone(part))
            elif isinstance(part, Email):
                out.append(self.email(part))
            elif part:
                out.append(Words(part))
        return tuple(out)

    def clock(self, minute: int) -> str:
        """A time of day in words: 午前10時, 正午, 午後5時15分; never with a colon."""
        if minute == NOON:
            # TRANSLATORS: 12:00 midday, as said when giving opening hours.
            return self.t.gettext("noon")
        moment = time((minute // 60) % 24, minute % 60)
        if NOON < minute < NOON + 60:
            # TRANSLATORS: a Babel time pattern for minutes past 12 midday (ja: 昼のh時m分 → 昼の12時30分;
            # 午後0時30分 would be read ゴゴゼロジ).
            pattern = self.t.pgettext("time pattern", "h:mm 'after noon'")
        elif moment.minute == 0:
            # TRANSLATORS: a Babel time pattern for a whole hour (ja: aK時 → 午前10時).
            pattern = self.t.pgettext("time pattern", "h a")
        else:
            # TRANSLATORS: a Babel time pattern with minutes (ja: aK時m分 → 午後5時15分).
            pattern = self.t.pgettext("time pattern", "h:mm a")
        return format_time(moment, pattern, locale=self.locale)

    def day_name(self, weekday: int) -> str:
        """The full name of a weekday (0 = Monday)."""
        return get_day_names("wide", locale=self.locale)[weekday]

    def days(self, days: frozenset[int]) -> str:
        """The days a desk opens: 平日, 毎日, 月曜日から土曜日, or a list."""
        if days == WEEKDAYS:
            # TRANSLATORS: Monday to Friday, as in "open on weekdays".
            return self.t.gettext("weekdays")
        if days == EVERY_DAY:
            # TRANSLATORS: as in "open every day".
            return self.t.gettext("every day")
        ordered = sorted(days)
        if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
            # TRANSLATORS: a run of days, e.g. 月曜日から土曜日.
            return self.t.gettext("%(first)s to %(last)s") % {
                "first": self.day_name(ordered[0]),
                "last": self.day_name(ordered[-1]),
            }
        return format_list([self.day_name(d) for d in ordered], locale=self.locale)

    def spans(self, spans: tuple[Span, ...]) -> str:
        """Opening spans in words: 午前10時から正午まで、午後1時から午後5時まで."""
        return self.pause.join(
            # TRANSLATORS: one opening span, e.g. 午前10時から正午まで.
            self.t.gettext("%(start)s to %(end)s")
            % {"start": self.clock(span.start), "end": self.clock(span.end % DAY_MINUTES)}
            for span in spans
        )

    def hours(self, hours: Hours) -> str:
        """Opening hours in words, with the days the desk is closed."""
        if hours.varies is not None:
            return hours.varies
        if hours.always:
            # TRANSLATORS: a desk that is open around the clock, all year.
            return self.t.gettext("Open 24 hours a day, every day of the year.")
        # TRANSLATORS: opening hours, e.g. 受付時間は、平日の午前10時から正午まで、午後1時から午後5時までです。
        sentence = self.t.gettext("Open %(days)s, %(spans)s.") % {
            "days": self.days(hours.days),
            "spans": self.spans(hours.spans),
        }
        closed = [self.day_name(d) for d in range(7) if d not in hours.days]
        if hours.closed_on_holidays:
            # TRANSLATORS: national holidays, in the list of days a desk is closed.
            closed.append(self.t.gettext("national holidays"))
        if hours.closed_year_end:
            # TRANSLATORS: the year-end break, 29 December to 3 January.
            closed.append(self.t.gettext("the year-end break"))
        if closed:
            # TRANSLATORS: the days a desk is closed, e.g. 土曜日、日曜日、祝日、年末年始はお休みです。
            sentence += self.t.gettext("Closed on %(days)s.") % {
                "days": format_list(closed, locale=self.locale)
            }
        return sentence

    def written_hours(self, hours: Hours) -> str:
        """Opening hours written compactly for a text message, e.g. 平日 10:00〜12:00（祝日を除く）."""
        if hours.varies is not None:
            return hours.varies
        if hours.always:
            # TRANSLATORS: a desk open around the clock, all year, written in a text message.
            return self.t.gettext("24 hours, every day")
        # TRANSLATORS: days then spans, written in a text message, e.g. 平日 10:00〜12:00、13:00〜17:00
        text = self.t.pgettext("written", "%(days)s %(spans)s") % {
            "days": self.days(hours.days), "spans": self.written_spans(hours.spans)}
        closed = []
        if hours.closed_on_holidays:
            # TRANSLATORS: national holidays, in the list of days a desk is closed.
            closed.append(self.t.gettext("national holidays"))
        if hours.closed_year_end:
            # TRANSLATORS: the year-end break, 29 December to 3 January.
            closed.append(self.t.gettext("the year-end break"))
        if closed:
            # TRANSLATORS: days a desk is closed besides its weekdays, written, e.g. （祝日、年末年始を除く）
            text += self.t.pgettext("written", " (except %(days)s)") % {
                "days": format_list(closed, locale=self.locale)}
        return text

    @staticmethod
    def written_time(minute: int) -> str:
        """A time of day written in a text message, e.g. 10:00 (24:00 for the end of the day)."""
        return f"{minute // 60}:{minute % 60:02d}"

    def written_spans(self, spans: tuple[Span, ...]) -> str:
        """Opening spans written in a text message, e.g. 10:00〜12:00、13:00〜17:00."""
        # TRANSLATORS: one opening span written in a text message, e.g. 10:00〜12:00
        span = self.t.pgettext("written", "%(start)s-%(end)s")
        return self.pause.join(span % {"start": self.written_time(s.start), "end": self.written_time(s.end)}
                               for s in spans)

    def written_date(self, day: date) -> str:
        """A date written in a text message, with its weekday, e.g. 12月8日（火）."""
        # TRANSLATORS: a Babel date pattern for a date in a text message (ja: M月d日（E） → 12月8日（火）).
        return format_date(day, self.t.pgettext("written date pattern", "EEE, MMMM d"), locale=self.locale)

    def opening(self, opens: datetime, now: datetime) -> str:
        """When a closed desk next opens, e.g. 12月1日火曜日の午前10時から."""
        opens, now = in_japan(opens), in_japan(now)
        clock = self.clock(opens.hour * 60 + opens.minute)
        if opens.date() == now.date():
            # TRANSLATORS: a desk opens again later today, e.g. 本日の午後1時から.
            return self.t.gettext("today from %(time)s") % {"time": clock}
        # TRANSLATORS: a Babel date pattern for the next opening day (ja: M月d日EEEE → 12月1日火曜日).
        pattern = self.t.pgettext("date pattern", "EEEE, MMMM d")
        # TRANSLATORS: when a desk next opens, e.g. 12月1日火曜日の午前10時から.
        return self.t.gettext("%(date)s from %(time)s") % {
            "date": format_date(opens.date(), pattern, locale=self.locale),
            "time": clock,
        }
