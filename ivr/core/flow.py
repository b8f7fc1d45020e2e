"""The call flow: (routes, where the caller is, what they pressed, now) → what happens next.

Pure code: no Flask, no Twilio, no clock. The web layer parses the request, calls
one of CallFlow's methods and renders the Step it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import lru_cache

from .contacts import parse_phone
from .dated import Announcement
from .hours import DayHours, IsHoliday, Span, in_japan, is_open, next_opening, opens_on
from .outcomes import Outcome
from .readings import Reader, Segment, Slow, Words
from .routes import Desk, Menu, Option, Routes
from .steps import Position, Step, TextMessage, Transfer
from .understanding import NOT_UNDERSTOOD, Matcher, Phrases, analyser

FALLBACK_NUMBER = "188"
STEPS = 1024  # steps kept per routes file: every place and key, for the minute being served
# What a caller's words may ask for besides a topic, as `Step.heard` and the metrics show it.
AGAIN, FIRST_MENU, TRANSFER, TEXT = "again", "first_menu", "transfer", "text"
YES, NO, NEITHER, FIRST, SECOND = "yes", "no", "neither", "first", "second"
ASKED = "asked"  # a question was asked
MAX_HINTS = 500  # phrases Twilio takes as hints
CHOICE_KEYS = ("1", "2")  # at a question: the first topic (or yes), the second (or no)


def by_minute(moment: datetime) -> datetime:
    """The moment on Japan's clock, to the minute: all that hours and the calendar depend on."""
    return in_japan(moment).replace(second=0, microsecond=0)


def frame(template: str, **parts: str | Segment | tuple[Segment, ...]) -> tuple[Segment, ...]:
    """Fill a catalog template; text parts are substituted, segment parts split it."""
    texts = {k: v for k, v in parts.items() if isinstance(v, str)}
    segments = {k: v for k, v in parts.items() if not isinstance(v, str)}
    out: list[Segment] = []
    rest = template
    while True:
        found = [(rest.find(f"%({k})s"), k) for k in segments if f"%({k})s" in rest]
        if not found:
            break
        at, name = min(found)
        if at:
            out.append(Words(rest[:at] % texts))
        value = segments[name]
        out.extend(value if isinstance(value, tuple) else (value,))
        rest = rest[at + len(f"%({name})s"):]
    if rest:
        out.append(Words(rest % texts))
    return tuple(out)


def fault_step(reader: Reader) -> Step:
    """What a caller hears when the line itself has failed: an apology and 188."""
    t = reader.t
    # TRANSLATORS: said when the line has an internal fault; %(number)s is 188, read digit by digit.
    text = t.gettext(
        "We are sorry, this line is having a problem. "
        "Please call the consumer hotline on %(number)s."
    )
    return Step(frame(text, number=reader.phone(parse_phone(FALLBACK_NUMBER))), Outcome.ERROR)


class CallFlow:
    """The line's behaviour for one loaded routes file."""

    def __init__(self, routes: Routes, reader: Reader, is_holiday: IsHoliday):
        self.routes = routes
        self.reader = reader
        self.t = reader.t
        self.is_holiday = is_holiday
        # Callers may say their trouble wherever a menu listens, when any option has `says:`.
        spoken = [(m.id, o.key, o.desk or f"menu:{o.menu}", o.urgent, o.says)
                  for m in routes.menus.values() for o in m.options if o.says]
        unclear = routes.unclear
        self.matcher = Matcher(
            spoken, analyser(), routes.input.min_confidence,
            vague=unclear.says if unclear else (), vague_ask=unclear.topics if unclear else (),
            kept=frozenset(d.id for d in routes.desks.values() if d.in_scope),
        ) if spoken else None
        # Fixed phrases, from the catalog: what a caller may say instead of a key.
        self.commands = Phrases(self._command_words(), analyser()) if spoken else None
        self.replies = Phrases(self._reply_words(), analyser()) if spoken else None
        topics = self.matcher.hints() if self.matcher else ()
        commands = self.commands.hints() if self.commands else ()
        moves = self.commands.hints((AGAIN, FIRST_MENU)) if self.commands else ()
        replies = self.replies.hints() if self.replies else ()
        self.hints = _hints(moves + topics)  # at a menu: again and the first menu, then topics
        self.answer_hints = _hints(commands + topics)  # at an answer: its keys' words first
        self.question_hints = _hints(replies + moves + topics)
        # What never changes with the time of the call is worked out once, when routes load.
        self._greeting = reader.text(routes.greeting)
        self._menus: dict[str, tuple[Segment, ...]] = {}  # empty while menu_speech fills it
        self._menus = {menu.id: self.menu_speech(menu) for menu in routes.menus.values()}
        self._heads = {(menu.id, o.key): self._answer_head(o) for menu in routes.menus.values()
                       for o in menu.options if o.desk is not None}
        self._hours = {d.id: (Words(reader.hours(d.hours)),) if d.hours else () for d in routes.desks.values()}
        self._closings = {d.id: self._closing(d) for d in routes.desks.values()}
        self._keys = {(d.id, offer, texting): self._answer_keys(d, offer, texting)
                      for d in routes.desks.values() for offer in (False, True)
                      for texting in (False, True)}
        self._texts: dict[str, TextMessage] = {}  # empty while text_message fills it
        self._texts = {d.id: self.text_message(d) for d in routes.desks.values()
                       if d.phone or d.email}
        self._opening = lru_cache(maxsize=256)(self._opening_sentence)
        self._topics = {(menu.id, o.key): label_text(o.label)[:200] for menu in routes.menus.values()
                        for o in menu.options}
        self._special = lru_cache(maxsize=64)(self._special_hours)
        self._notices = {a.index: reader.text(a.say) for a in routes.calendar.announcements}
        # A step depends on the time of the call by its day (the calendar) and minute (hours
        # are in minutes), no finer: each is worked out once for the callers at that place then.
        self._started = lru_cache(maxsize=32)(self._start)
        self._pressed = lru_cache(maxsize=STEPS)(self._press)

    # -- entry points -----------------------------------------------------------------

    def start(self, now: datetime) -> Step:
        """A new call: the greeting, that day's announcements for the greeting, then the top menu."""
        return self._started(in_japan(now).date())

    def _start(self, day: date) -> Step:
        top = self.routes.top
        calendar = self.routes.calendar
        notices = self.announcements(calendar.at_greeting(day))
        return Step(self._greeting + notices + self.menu_speech(top), Outcome.MENU,
                    listen=Position(top.id), announced=bool(notices),
                    closure_day=calendar.closes_any(day))

    def greeting_speech(self, now: datetime) -> tuple[Segment, ...]:
        """The greeting, and the announcements said after it on that day."""
        day = in_japan(now).date()
        return self._greeting + self.announcements(self.routes.calendar.at_greeting(day))

    def announcements(self, found: tuple[Announcement, ...]) -> tuple[Segment, ...]:
        """Dated announcements, in the order routes.yaml lists them."""
        speech: tuple[Segment, ...] = ()
        for announcement in found:
            speech += self._notices[announcement.index]
        return speech

    def press(self, position: Position, digits: str, now: datetime, texting: bool = False) -> Step:
        """The caller pressed `digits` (empty for silence) at `position`.

        `texting` says whether this caller may be offered a desk's details by text
        message (a Japanese mobile, on a line that sends them); the web layer works it
        out from each request, since the call keeps no state on the server.
        """
        return self._pressed(position, digits, by_minute(now), texting)

    def _press(self, position: Position, digits: str, now: datetime, texting: bool) -> Step:
        menu = self.routes.menus.get(position.menu)
        if menu is None:
            return self.lost()
        if position.ask is not None:
            return self._at_question(menu, position, digits, now, texting)
        if position.key is None:
            return self._at_menu(menu, position, digits, now, texting)
        option = menu.option(position.key)
        if option is None or option.desk is None:
            return self.lost()
        return self._at_answer(menu, option, position, digits, now, texting)

    def hear(self, position: Position, words: str, confidence: float | None, now: datetime,
             texting: bool = False) -> Step:
        """The caller said `words` (Twilio's transcript, with its confidence) at `position`.

        At a menu, a clear topic goes straight to its answer (or its menu); words about the
        line's subject that name no topic, or that two desks share, get one short question;
        anything else says so and reads the menu again. At an answer, the words of its keys
        (again, put through, the first menu, by text message) do what the key does; another
        topic is confirmed first (danger goes straight to the police). At a question, yes or no, or which one. The words themselves
        go no further than this call.
        """
        menu = self.routes.menus.get(position.menu)
        if menu is None:
            return self.lost()
        if self.matcher is None:
            # Words where only keys are listened for count as a key that does nothing.
            return self.press(position, "\x00" if words.strip() else "", now, texting=texting)
        if not words.strip() or (confidence is not None
                                 and confidence < self.routes.input.min_confidence):
            words = ""  # the recogniser itself is unsure: as if nothing clear was said
        if position.ask is not None:
            return self._heard_at_question(menu, position, words, now, texting)
        if position.key is not None:
            option = menu.option(position.key)
            if option is None or option.desk is None:
                return self.lost()
            return self._heard_at_answer(menu, option, position, words, now, texting)
        understood = self.matcher.understand(words)
        if understood.menu is not None:
            return self._go(understood.topic, now, texting, heard=understood.topic)
        if understood.ask:
            return self._ask(menu, understood.ask, position.failures)
        command = self.commands.find(words, alone=True)
        if command == AGAIN:
            return Step(self.menu_speech(menu), Outcome.REPEAT, listen=position, heard=command)
        if command == FIRST_MENU:
            return replace(self._to_top(), heard=command)
        return self._not_understood(menu, position)

    def hints_at(self, position: Position) -> str:
        """The words Twilio's recogniser is told to expect where the caller is."""
        if position.ask is not None:
            return self.question_hints
        return self.answer_hints if position.key is not None else self.hints

    def _go(self, topic: str, now: datetime, texting: bool, heard: str | None = None) -> Step:
        """A topic chosen by words: its answer, or its menu."""
        found = self.routes.topic(topic)
        if found is None:
            return self.lost()
        target, option = found
        if option.menu is not None:
            submenu = self.routes.menus[option.menu]
            return Step(self.menu_speech(submenu), Outcome.MENU, listen=Position(submenu.id),
                        heard=heard)
        return replace(self.answer(target, option, now, texting=texting), heard=heard)

    def _to_top(self) -> Step:
        top = self.routes.top
        return Step(self.menu_speech(top), Outcome.TOP, listen=Position(top.id))

    def _not_understood(self, menu: Menu, position: Position) -> Step:
        """Words that chose nothing: say so, and read the menu again."""
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            return replace(self.give_up(Outcome.MAX_FAILURES), heard=NOT_UNDERSTOOD)
        # TRANSLATORS: the caller's words did not clearly name a topic; the menu follows, which
        # ends by inviting keys or words.
        sorry = Words(self.t.gettext("We are sorry, we could not tell what you need."))
        return Step((sorry,) + self.menu_speech(menu), Outcome.NOT_UNDERSTOOD,
                    listen=replace(position, failures=failures), heard=NOT_UNDERSTOOD)

    # -- questions --------------------------------------------------------------------

    def _ask(self, menu: Menu, topics: tuple[str, ...], failures: int = 0) -> Step:
        """One short question instead of the keypad: which of two topics, or is it this one."""
        speech = self.question_speech(topics)
        if speech is None:
            return self.lost()
        return Step(speech, Outcome.ASK, listen=Position(menu.id, failures=failures,
                                                           ask=",".join(topics)), heard=ASKED)

    def question_speech(self, topics: tuple[str, ...]) -> tuple[Segment, ...] | None:
        """The question about these topics (menu/key), or None if one no longer exists."""
        found = [self.routes.topic(topic) for topic in topics]
        if not found or None in found:
            return None
        labels = [self.reader.text(option.label) for _, option in found]
        if len(labels) == 1:
            # TRANSLATORS: confirms the topic understood from the caller's words, e.g.
            # 身に覚えのない請求のご相談でよろしいですか。はいは1、いいえは2を押すか、お答えください。
            text = self.t.gettext("Is it about %(topic)s? For yes press 1, for no press 2, or say so.")
            return frame(text, topic=labels[0])
        unclear = self.routes.unclear
        before = self.reader.text(unclear.ask) if unclear and tuple(topics) == unclear.topics else ()
        # TRANSLATORS: asks which of two topics the caller means, e.g.
        # 身に覚えのない請求のご相談なら1、広告メールのご相談なら2を押すか、お答えください。
        text = self.t.gettext("If it is about %(first)s press 1; if it is about %(second)s "
                              "press 2; or say which.")
        return before + frame(text, first=labels[0], second=labels[1])

    def _at_question(self, menu: Menu, position: Position, digits: str, now: datetime,
                     texting: bool) -> Step:
        topics = position.topics
        speech = self.question_speech(topics)
        if speech is None:
            return self.lost()
        keys = self.routes.keys
        if not digits:
            silences = position.silences + 1
            if silences >= self.routes.input.max_silences:
                return self.give_up(Outcome.NO_INPUT)
            return Step(speech, Outcome.SILENCE, listen=replace(position, silences=silences))
        if digits in CHOICE_KEYS:
            chosen = CHOICE_KEYS.index(digits)
            if len(topics) == 1 and chosen == 1:
                return self._declined(menu)
            return self._go(topics[chosen], now, texting)
        if digits == keys.repeat:
            return Step(speech, Outcome.REPEAT, listen=position)
        if digits == keys.top:
            return self._to_top()
        return self.invalid(position, speech)

    def _heard_at_question(self, menu: Menu, position: Position, words: str, now: datetime,
                           texting: bool) -> Step:
        topics = position.topics
        speech = self.question_speech(topics)
        if speech is None:
            return self.lost()
        found = self.replies.found(words)
        if NO in found or (len(topics) == 2 and NEITHER in found):
            return replace(self._declined(menu), heard=NO)
        chosen = next((i for i, reply in enumerate((FIRST, SECOND)) if reply in found), None)
        if len(topics) == 1 and YES in found:
            chosen = 0
        named = self.matcher.among(words, topics)
        if named is not None:
            chosen = topics.index(named)
        if chosen is not None and chosen < len(topics):
            return self._go(topics[chosen], now, texting, heard=topics[chosen])
        command = self.commands.find(words)
        if command == AGAIN:
            return Step(speech, Outcome.REPEAT, listen=position, heard=command)
        if command == FIRST_MENU:
            return replace(self._to_top(), heard=command)
        understood = self.matcher.understand(words)
        if understood.menu is not None:
            return self._go(understood.topic, now, texting, heard=understood.topic)
        if understood.ask and understood.ask != topics:
            return self._ask(menu, understood.ask, position.failures)
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            return replace(self.give_up(Outcome.MAX_FAILURES), heard=NOT_UNDERSTOOD)
        # TRANSLATORS: the caller's answer to a question was not understood; the question follows.
        sorry = Words(self.t.gettext("We are sorry, we could not hear your answer."))
        return Step((sorry,) + speech, Outcome.NOT_UNDERSTOOD,
                    listen=replace(position, failures=failures), heard=NOT_UNDERSTOOD)

    def _declined(self, menu: Menu) -> Step:
        """The caller said no to a question: the menu, to choose from."""
        # TRANSLATORS: the caller said no to the question asked; the menu follows.
        then = Words(self.t.gettext("Then please choose from the menu."))
        return Step((then,) + self.menu_speech(menu), Outcome.MENU, listen=Position(menu.id))

    # -- words at an answer -----------------------------------------------------------

    def _heard_at_answer(self, menu: Menu, option: Option, position: Position, words: str,
                         now: datetime, texting: bool) -> Step:
        keys = self.routes.keys
        desk = self.routes.desks[option.desk]
        command = self.commands.find(words)
        key = {AGAIN: keys.repeat, FIRST_MENU: keys.top, TRANSFER: keys.transfer,
               TEXT: keys.sms}.get(command)
        if command == TRANSFER and not desk.transfer:
            # TRANSLATORS: the caller asked in words to be put through to a desk that takes no transfers.
            sorry = self.t.gettext("We are sorry, we cannot put you through to this desk.")
            return self._answer_again(menu, option, position, now, texting, sorry, command)
        if command == TEXT and not (texting and desk.id in self._texts):
            # TRANSLATORS: the caller asked in words for a text message this call cannot get
            # (not from a Japanese mobile, or the line sends none); the number is read again.
            sorry = self.t.gettext("We are sorry, we cannot send a text message to this phone.")
            return self._answer_again(menu, option, position, now, texting, sorry, command)
        if key is not None:
            step = self._at_answer(menu, option, position, key, now, texting)
            return replace(step, heard=command)
        understood = self.matcher.understand(words)
        if understood.menu is not None:
            target = self.routes.topic(understood.topic)[1]
            if target.urgent or target.desk == desk.id:
                return self._go(understood.topic, now, texting, heard=understood.topic)
            # Another trouble, named at an answer: confirmed before the answer is left.
            return self._ask(menu, (understood.topic,))
        if understood.ask:
            return self._ask(menu, understood.ask)
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            return replace(self.farewell(menu, option, Outcome.MAX_FAILURES), heard=NOT_UNDERSTOOD)
        open_now = self.desk_open(desk, now)
        # TRANSLATORS: words at an answer that asked for none of its keys; the keys follow.
        sorry = Words(self.t.gettext("We are sorry, we could not hear what you said."))
        return Step((sorry,) + self.answer_keys(desk, open_now, texting=texting),
                    Outcome.NOT_UNDERSTOOD, listen=replace(position, failures=failures),
                    heard=NOT_UNDERSTOOD, **self._at_desk(menu, option, desk, open_now))

    def _answer_again(self, menu: Menu, option: Option, position: Position, now: datetime,
                      texting: bool, sorry: str, heard: str) -> Step:
        """Something asked for in words that this answer cannot do: say so, the number again,
        and the keys."""
        desk = self.routes.desks[option.desk]
        open_now = self.desk_open(desk, now)
        speech = (Words(sorry),) + self.contact(desk) + self.answer_keys(desk, open_now, texting=texting)
        return Step(speech, Outcome.INVALID, listen=position, heard=heard,
                    **self._at_desk(menu, option, desk, open_now))

    def _command_words(self) -> list[tuple[str, tuple[str, ...]]]:
        """What callers say for an answer's keys (and, at a menu, for again and the first menu)."""
        t = self.t
        return _split([
            # TRANSLATORS: phrases a caller may say to hear a menu, answer or question again,
            # separated by | (e.g. もう一度|もう一回|繰り返して).
            (AGAIN, t.gettext("again|once more|repeat that|say that again")),
            # TRANSLATORS: phrases a caller may say to go back to the first menu, separated by |.
            (FIRST_MENU, t.gettext("first menu|back to the start|start again")),
            # TRANSLATORS: phrases a caller may say at an answer to be put through, separated by |.
            (TRANSFER, t.gettext("put me through|connect me|transfer me")),
            # TRANSLATORS: phrases a caller may say at an answer to get it by text message,
            # separated by |.
            (TEXT, t.gettext("send it by text|text it to me|send me a text message")),
        ])

    def _reply_words(self) -> list[tuple[str, tuple[str, ...]]]:
        """What callers say to answer a question."""
        t = self.t
        return _split([
            # TRANSLATORS: phrases that answer yes to a question, separated by |.
            (YES, t.gettext("yes|right|that is right|please")),
            # TRANSLATORS: phrases that answer no to a question, separated by |.
            (NO, t.gettext("no|that is wrong|not that")),
            # TRANSLATORS: phrases that answer "neither" to a question between two, separated by |.
            (NEITHER, t.gettext("neither|none of them")),
            # TRANSLATORS: phrases that choose the first of two, separated by |.
            (FIRST, t.gettext("the first|number one")),
            # TRANSLATORS: phrases that choose the second of two, separated by |.
            (SECOND, t.gettext("the second|number two")),
        ])

    def text_refused(self, position: Position, now: datetime, over_limit: bool) -> Step:
        """A text message the caller asked for cannot be sent: say so, and read the number again."""
        menu = self.routes.menus.get(position.menu)
        option = menu.option(position.key) if menu and position.key else None
        if option is None or option.desk is None:
            return self.lost()
        desk = self.routes.desks[option.desk]
        if over_limit:
            # TRANSLATORS: the caller asked for a text message over the limits against abuse.
            sorry = self.t.gettext("We are sorry, we cannot send any more text messages.")
        else:
            # TRANSLATORS: a text message could not be sent (the sender is not available).
            sorry = self.t.gettext("We are sorry, we cannot send a text message right now.")
        open_now = self.desk_open(desk, now)
        speech = (Words(sorry),) + self.contact(desk) + self.answer_keys(desk, open_now)
        return Step(speech, Outcome.SMS_REFUSED, listen=position,
                    **self._at_desk(menu, option, desk, open_now))

    def dial_ended(self, position: Position, status: str, now: datetime,
                   texting: bool = False) -> Step:
        """A transfer ended with Twilio's DialCallStatus."""
        menu = self.routes.menus.get(position.menu)
        option = menu.option(position.key) if menu and position.key else None
        if option is None or option.desk is None:
            return self.lost()
        outcome = Outcome.dial_failed(status)
        if outcome is None:
            return self.goodbye(Outcome.TRANSFERRED)
        desk = self.routes.desks[option.desk]
        # TRANSLATORS: a transfer to a desk did not connect (busy, no answer, failed).
        sorry = (Words(self.t.gettext("We are sorry, we could not put you through.")),)
        open_now = self.desk_open(desk, now)
        speech = sorry + self.contact(desk) + self.hours_speech(desk, now, open_now)
        speech += self.answer_keys(desk, open_now, offer_transfer=False, texting=texting)
        return Step(speech, outcome, listen=Position(menu.id, option.key),
                    **self._at_desk(menu, option, desk, open_now))

    def lost(self) -> Step:
        """The position no longer exists (the routes changed mid-call): back to the top."""
        # TRANSLATORS: the menus changed during the call; the caller is taken back to the first menu.
        sorry = Words(self.t.gettext("We are sorry, the menu has changed. Back to the first menu."))
        top = self.routes.top
        return Step((sorry,) + self.menu_speech(top), Outcome.LOST, listen=Position(top.id))

    # -- menus ------------------------------------------------------------------------

    def _at_menu(self, menu: Menu, position: Position, digits: str, now: datetime,
                 texting: bool = False) -> Step:
        keys = self.routes.keys
        if not digits:
            silences = position.silences + 1
            if silences >= self.routes.input.max_silences:
                return self.give_up(Outcome.NO_INPUT)
            # TRANSLATORS: said before a menu is read again after the caller pressed nothing.
            again = Words(self.t.gettext("Let me read the choices again."))
            return Step((again,) + self.menu_speech(menu), Outcome.SILENCE,
                        listen=replace(position, silences=silences))
        if digits == keys.repeat:
            return Step(self.menu_speech(menu), Outcome.REPEAT, listen=position)
        if digits == keys.top:
            top = self.routes.top
            return Step(self.menu_speech(top), Outcome.TOP, listen=Position(top.id))
        option = menu.option(digits)
        if option is None:
            return self.invalid(position, self.menu_speech(menu))
        if option.menu is not None:
            submenu = self.routes.menus[option.menu]
            return Step(self.menu_speech(submenu), Outcome.MENU, listen=Position(submenu.id))
        return self.answer(menu, option, now, texting=texting)

    def invalid(self, position: Position, then: tuple[Segment, ...]) -> Step:
        """A key that does nothing here: say so and ask again, or end after too many (at an
        answer, with that answer's number once more)."""
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            found = self.routes.topic(f"{position.menu}/{position.key}") if position.key else None
            if found is not None and found[1].desk is not None:
                return self.farewell(*found, Outcome.MAX_FAILURES)
            return self.give_up(Outcome.MAX_FAILURES)
        # TRANSLATORS: the caller pressed a key that is not on the menu.
        sorry = Words(self.t.gettext("That key cannot be chosen."))
        return Step((sorry,) + then, Outcome.INVALID, listen=replace(position, failures=failures))

    def menu_speech(self, menu: Menu, upto: str | None = None) -> tuple[Segment, ...]:
        """A menu read out: intro, each option with its key, then repeat (and top).

        With `upto`, only as far as that option's key: what a caller who presses
        as soon as they hear their topic has heard.
        """
        if upto is None and menu.id in self._menus:
            return self._menus[menu.id]
        speech = self.reader.text(menu.intro)
        # TRANSLATORS: one menu choice, e.g. 広告や宣伝のメールは1を、
        choice = self.t.gettext("%(label)s, press %(key)s;")
        for option in menu.options:
            speech += frame(choice, label=self.reader.text(option.label), key=option.key)
            if option.key == upto:
                return speech
        keys = {"repeat": self.routes.keys.repeat, "top": self.routes.keys.top}
        if menu.id == self.routes.top.id and self.matcher is not None:
            # TRANSLATORS: ends the first menu where the line also listens for words (silence,
            # or the repeat key, reads it again), e.g. 番号を押すか、ご用件をお話ください。
            tail = self.t.gettext("Press a key, or tell us your trouble in your own words.")
        elif menu.id == self.routes.top.id:
            # TRANSLATORS: ends the first menu, e.g. もう一度お聞きになるには9を押してください。
            tail = self.t.gettext("To hear this again, press %(repeat)s.")
        else:
            # TRANSLATORS: ends a submenu (silence, or the repeat key, reads it again), e.g.
            # 最初に戻るには0を押してください。
            tail = self.t.gettext("To go back to the first menu, press %(top)s.")
        return speech + (Words(tail % keys),)

    # -- answers ----------------------------------------------------------------------

    def _at_answer(self, menu: Menu, option: Option, position: Position, digits: str,
                   now: datetime, texting: bool = False) -> Step:
        keys = self.routes.keys
        desk = self.routes.desks[option.desk]
        if not digits:
            return self.goodbye(Outcome.ANSWER_HEARD, desk.id)
        open_now = self.desk_open(desk, now)
        if digits == keys.repeat:
            return self.answer(menu, option, now, outcome=Outcome.ANSWER_REPEAT, texting=texting)
        if digits == keys.sms and texting and desk.id in self._texts:
            # TRANSLATORS: the caller asked for the desk's details by text message; it goes out now.
            sending = Words(self.t.gettext("We are sending it to you by text message."))
            return Step((sending,) + self.answer_keys(desk, open_now), Outcome.SMS, listen=position,
                        text=self.text_message(desk, now), **self._at_desk(menu, option, desk, open_now))
        if digits == keys.top:
            top = self.routes.top
            return Step(self.menu_speech(top), Outcome.TOP, listen=Position(top.id), desk=desk.id)
        if digits == keys.transfer and desk.transfer:
            if open_now:
                # TRANSLATORS: said just before the call is put through to a desk.
                text = self.t.gettext("Putting you through to %(name)s. Please hold.")
                transfer = Transfer(desk.phone.e164, self.routes.input.transfer_timeout,
                                    Position(menu.id, option.key))
                return Step((Words(text % {"name": desk.reading}),), Outcome.TRANSFER,
                            transfer=transfer, **self._at_desk(menu, option, desk, open_now))
            speech = self.hours_speech(desk, now, open_now) + self.answer_keys(desk, open_now, texting=texting)
            return Step(speech, Outcome.TRANSFER_CLOSED, listen=position,
                        **self._at_desk(menu, option, desk, open_now))
        return self.invalid(position, self.answer_keys(desk, open_now, texting=texting))

    def answer(self, menu: Menu, option: Option, now: datetime,
               outcome: Outcome = Outcome.ANSWER, texting: bool = False) -> Step:
        """A desk's answer: scope, name and number (twice), about, hours, cost, notes, keys."""
        desk = self.routes.desks[option.desk]
        open_now = self.desk_open(desk, now)
        notices = self.answer_notices(desk, now) if outcome == Outcome.ANSWER else ()
        speech = (notices + self._heads[menu.id, option.key] + self.hours_speech(desk, now, open_now)
                  + self._closings[desk.id] + self.answer_keys(desk, open_now, texting=texting))
        return Step(speech, outcome, listen=Position(menu.id, option.key), announced=bool(notices),
                    **self._at_desk(menu, option, desk, open_now))

    def _at_desk(self, menu: Menu, option: Option, desk: Desk, open_now: bool) -> dict:
        """A step's topic and desk, and whether the desk is open now (None if its hours are unknown)."""
        known = desk.hours is not None and desk.hours.known
        return {"topic": f"{menu.id}/{option.key}"[:80], "topic_label": self._topics[menu.id, option.key],
                "desk": desk.id, "desk_open": open_now if known else None}

    def answer_notices(self, desk: Desk, now: datetime) -> tuple[Segment, ...]:
        """The announcements said before a desk's answer on that day (not when it is repeated)."""
        return self.announcements(self.routes.calendar.before_answer(desk.id, in_japan(now).date()))

    def _answer_head(self, option: Option) -> tuple[Segment, ...]:
        """An answer up to its hours: lead, number or address, scope statement, the number again, about.

        The scope statement follows the first giving of the number, so that a caller hears
        the number they need first.
        """
        desk = self.routes.desks[option.desk]
        first, again = self._contact_parts(desk)
        speech = self.reader.text(option.lead) + first
        if not desk.in_scope and option.scope_statement:
            speech += self.reader.text(self.routes.scope_statement)
        return speech + again + self.reader.text(desk.about)

    def _closing(self, desk: Desk) -> tuple[Segment, ...]:
        """What an answer says after the hours: the cost, then the notes."""
        speech = self.reader.text(desk.fee)
        for note in desk.notes:
            speech += self.reader.text(note)
        return speech

    def contact(self, desk: Desk) -> tuple[Segment, ...]:
        """The desk's number or address, said twice so it can be written down."""
        first, again = self._contact_parts(desk)
        return first + again

    def _contact_parts(self, desk: Desk) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
        """The first giving of the desk's number or address, with whose it is, and the second.

        The number comes first, the desk's name right after it: a caller who pressed for a
        topic hears the number without waiting for the name.
        """
        speech: tuple[Segment, ...] = ()
        later: tuple[Segment, ...] = ()
        # TRANSLATORS: said again so the caller can check what they wrote down.
        again = self.t.gettext("Once more: %(number)s.")
        # TRANSLATORS: the desk whose number or address was just given, e.g. 消費者ホットラインです。
        whose = Words(self.t.gettext("That is %(name)s.") % {"name": desk.reading})
        if desk.phone:
            number = self.reader.phone(desk.phone)
            # TRANSLATORS: a desk's telephone number, first thing in its answer, e.g. 番号は、188です。
            first = self.t.gettext("The number is %(number)s.")
            speech += frame(first, number=number) + (whose,)
            later += frame(again, number=number)
        if desk.email:
            address = self.reader.email(desk.email)
            # TRANSLATORS: a desk's email address, spelled out after this sentence's start.
            first = self.t.gettext("The email address is %(number)s.")
            if desk.email_reading:
                # The address said as words first, then spelled once.
                words = Slow(desk.email.address, desk.email_reading)
                # TRANSLATORS: the address just said as words, now spelled letter by letter.
                spelled = self.t.gettext("It is spelled %(number)s.")
                speech += frame(first, number=words)
                later += frame(spelled, number=address)
            else:
                speech += frame(first, number=address)
                later += frame(again, number=address)
            if not desk.phone:
                speech += (whose,)
        return speech, later

    def desk_open(self, desk: Desk, now: datetime) -> bool:
        """Whether the desk takes calls right now, the calendar's closures and hours included."""
        return desk.hours is not None and is_open(
            desk.hours, now, self.is_holiday, self.routes.calendar.desk_hours(desk.id))

    def hours_speech(self, desk: Desk, now: datetime, open_now: bool) -> tuple[Segment, ...]:
        """The desk's hours in words, that day's closure or special hours, and when it next opens.

        `open_now` is `desk_open(desk, now)`, worked out once per step by the caller.
        """
        speech = self._hours[desk.id]
        if desk.hours is None or not desk.hours.known:
            return speech
        dated = self.routes.calendar.desk_hours(desk.id)
        today = self.dated_day(desk, in_japan(now).date()) if dated else None
        if today is not None:
            if not today.closed:
                speech += (self._special(today.spans),)
            speech += self.reader.text(today.say)
        if open_now:
            return speech
        if today is None or not today.closed:
            # TRANSLATORS: the desk is closed at the moment of the call.
            speech += (Words(self.t.gettext("It is closed at this time.")),)
        elif not today.say:
            # TRANSLATORS: the desk is closed all day today by the operators' calendar (臨時休業).
            speech += (Words(self.t.gettext("It is closed all day today.")),)
        opens = next_opening(desk.hours, now, self.is_holiday, dated)
        if opens is not None:
            speech += (self._opening(opens, in_japan(now).date()),)
        return speech

    def dated_day(self, desk: Desk, day: date) -> DayHours | None:
        """What the calendar sets for a desk on a day; a closure on a day the desk is closed
        anyway sets nothing (callers hear its usual closed days, and `ivr check` warns)."""
        found = self.routes.calendar.day(desk.id, day)
        if (found is not None and found.closed and desk.hours is not None and desk.hours.known
                and not opens_on(desk.hours, day, self.is_holiday)):
            return None
        return found

    def _special_hours(self, spans: tuple[Span, ...]) -> Words:
        """A day's special hours from the calendar, as a sentence."""
        # TRANSLATORS: one day's special hours, e.g. 本日の受付時間は、午前10時から午前11時までです。
        text = self.t.gettext("Today's hours are %(spans)s.")
        return Words(text % {"spans": self.reader.spans(spans)})

    def _opening_sentence(self, opens: datetime, today: date) -> Words:
        """When a closed desk next opens, as a sentence."""
        # TRANSLATORS: when a closed desk opens, e.g. 次の受付は、12月1日火曜日の午前10時からです。
        text = self.t.gettext("It next opens %(when)s.")
        now = datetime.combine(today, time(), tzinfo=opens.tzinfo)
        return Words(text % {"when": self.reader.opening(opens, now)})

    def answer_keys(self, desk: Desk, open_now: bool, offer_transfer: bool = True,
                    texting: bool = False) -> tuple[Segment, ...]:
        """The keys after an answer: put through (when the desk is open now), by text (when
        `texting`), hear again, back to the top."""
        offer = bool(offer_transfer and desk.transfer and open_now)
        return self._keys[desk.id, offer, texting]

    def _answer_keys(self, desk: Desk, offer_transfer: bool, texting: bool) -> tuple[Segment, ...]:
        keys = self.routes.keys
        speech: tuple[Segment, ...] = ()
        if offer_transfer and desk.transfer:
            # TRANSLATORS: offered only while the desk is open, e.g. 今すぐおつなぎするには1を、
            speech += (Words(self.t.gettext("To be put through now, press %(key)s;")
                             % {"key": keys.transfer}),)
        if texting and desk.phone:
            # TRANSLATORS: offered to callers from a Japanese mobile, e.g. この番号をショートメッセージでお送りするには2を、
            speech += (Words(self.t.gettext("To get this number by text message, press %(key)s;")
                             % {"key": keys.sms}),)
        elif texting and desk.email:
            # TRANSLATORS: as above, for a desk reached by email, e.g. このアドレスをショートメッセージでお送りするには2を、
            speech += (Words(self.t.gettext("To get this address by text message, press %(key)s;")
                             % {"key": keys.sms}),)
        # TRANSLATORS: ends an answer, e.g. もう一度お聞きになるには9を、最初のメニューに戻るには0を押してください。
        tail = self.t.gettext(
            "To hear this again, press %(repeat)s; for the first menu, press %(top)s."
        )
        return speech + (Words(tail % {"repeat": keys.repeat, "top": keys.top}),)

    def text_message(self, desk: Desk, now: datetime | None = None) -> TextMessage:
        """The text message with a desk's details: name, number or address, hours, web address.

        On a day the calendar closes the desk or gives it special hours (Japan date of `now`),
        the message says so, gives the next opening if the desk opens no more that day, and
        calls the hours it usually keeps its usual hours. Any other day's message is made once.
        """
        today = in_japan(now).date() if now is not None else None
        dated = self.dated_day(desk, today) if today is not None else None
        if dated is None and desk.id in self._texts:
            return self._texts[desk.id]
        t = self.t
        # TRANSLATORS: first line of the text message a caller asked for; says who sends it and why.
        lines = [t.gettext("From the spam email advice line, the desk you asked about on the phone:"),
                 desk.name]
        if desk.phone:
            # TRANSLATORS: a desk's telephone number in the text message, e.g. 電話：03-5974-0068
            lines.append(t.gettext("Phone: %(number)s") % {"number": desk.phone.written})
        if desk.email:
            # TRANSLATORS: a desk's email address in the text message, e.g. メール：info@antiphishing.jp
            lines.append(t.gettext("Email: %(address)s") % {"address": desk.email.address})
        if dated is not None:
            lines += self._dated_text_lines(desk, dated, now)
        if desk.hours is not None and desk.hours.varies is not None:
            lines.append(desk.hours.varies)  # a sentence of its own, e.g. 受付時間は、…によって異なります。
        elif desk.hours is not None and dated is not None:
            # TRANSLATORS: text message on a closure or special day: the usual hours, e.g. 通常の受付：平日 10:00〜12:00
            lines.append(t.gettext("Usual hours: %(hours)s") % {"hours": self.reader.written_hours(desk.hours)})
        elif desk.hours is not None:
            # TRANSLATORS: a desk's hours in the text message, e.g. 受付：平日 10:00〜12:00（祝日、年末年始を除く）
            lines.append(t.gettext("Hours: %(hours)s") % {"hours": self.reader.written_hours(desk.hours)})
        if desk.url:
            lines.append(desk.url)
        return TextMessage(desk.id, "\n".join(lines))

    def _dated_text_lines(self, desk: Desk, dated: DayHours, now: datetime) -> list[str]:
        """A text message's lines for a day the calendar closes the desk or gives it special hours."""
        t, reader = self.t, self.reader
        today = in_japan(now).date()
        day = reader.written_date(today)
        if dated.closed:
            # TRANSLATORS: text message: the calendar closes the desk all day, e.g. 12月8日（火）はお休みです。
            lines = [t.gettext("Closed all day on %(date)s.") % {"date": day}]
        else:
            # TRANSLATORS: text message: one day's special hours, e.g. 12月3日（木）の受付：10:00〜11:00
            lines = [t.gettext("Hours on %(date)s: %(spans)s")
                     % {"date": day, "spans": reader.written_spans(dated.spans)}]
        calendar = self.routes.calendar.desk_hours(desk.id)
        if not is_open(desk.hours, now, self.is_holiday, calendar):
            opens = next_opening(desk.hours, now, self.is_holiday, calendar)
            if opens is not None and in_japan(opens).date() != today:
                opens = in_japan(opens)
                # TRANSLATORS: text message: when the desk next opens, e.g. 次の受付：12月9日（水）10:00から
                lines.append(t.gettext("Next open: %(date)s from %(time)s") % {
                    "date": reader.written_date(opens.date()),
                    "time": reader.written_time(opens.hour * 60 + opens.minute)})
        return lines

    # -- endings ----------------------------------------------------------------------

    def goodbye(self, outcome: Outcome, desk: str | None = None) -> Step:
        """End the call politely."""
        # TRANSLATORS: the last words of a call.
        return Step((Words(self.t.gettext("Thank you for calling.")),), outcome, desk=desk)

    def farewell(self, menu: Menu, option: Option, outcome: Outcome) -> Step:
        """End a call at an answer: its lead (110 first, for the police) and its number once
        more, then goodbye; not 188, which may be the wrong place for this caller."""
        desk = self.routes.desks[option.desk]
        first, _ = self._contact_parts(desk)
        # TRANSLATORS: the last words of a call.
        bye = Words(self.t.gettext("Thank you for calling."))
        return Step(self.reader.text(option.lead) + first + (bye,), outcome, desk=desk.id)

    def give_up(self, outcome: Outcome) -> Step:
        """End a call that found no way forward, pointing to 188 as the place to start."""
        # TRANSLATORS: ends a call after repeated silence or wrong keys; %(number)s is 188.
        text = self.t.gettext(
            "We are sorry we could not help. If you are not sure where to ask, please call "
            "the consumer hotline on %(number)s. Thank you for calling."
        )
        number = self.reader.phone(parse_phone(FALLBACK_NUMBER))
        return Step(frame(text, number=number), outcome)


def label_text(label) -> str:
    """An option's label as plain text (numbers and addresses left out), as records keep it."""
    return "".join(part for part in label if isinstance(part, str))


def _split(meanings: list[tuple[str, str]]) -> list[tuple[str, tuple[str, ...]]]:
    """Catalog messages of phrases joined by | as (meaning, phrases)."""
    return [(meaning, tuple(w.strip() for w in message.split("|") if w.strip()))
            for meaning, message in meanings]


def _hints(phrases: tuple[str, ...]) -> str:
    """Phrases for Twilio's `hints`, each once, at most MAX_HINTS, in the order given."""
    return ", ".join(tuple(dict.fromkeys(phrases))[:MAX_HINTS])
