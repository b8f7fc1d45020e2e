"""The call flow: (routes, where the caller is, what they pressed, now) → what happens next.

Pure code: no Flask, no Twilio, no clock. The web layer parses the request, calls
one of CallFlow's methods and renders the Step it returns. CallFlow decides; what the caller
hears is worded in speech.py, and a text message's body in texts.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from .caches import STEPS
from .dated import Announcement
from .hours import DayHours, IsHoliday, in_japan, is_open, next_opening, opens_on
from .nearest import Examples, Nearest, grams
from .outcomes import Outcome
from .readings import Reader, Segment
from .routes import Desk, Menu, Option, Routes
from .speech import (AGAIN, FIRST, FIRST_MENU, NEITHER, NO, SECOND, TEXT, THANKS, TRANSFER, WAIT, YES, Speech,
                     build_speech, command_words, fault_speech, label_text, listens_for_words,
                     reply_words)
from .steps import Position, Step, TextMessage, Transfer
from .texts import can_text, text_message
from .understanding import NOT_UNDERSTOOD, Matcher, Phrases, Understood, analyser, spoken_key

ASKED = "asked"  # a question was asked, as `Step.heard` shows it
SAID_KEY = "key"  # a key said aloud (いち, 1番) and pressed, as `Step.heard` shows it
MAX_HINTS = 500  # phrases Twilio takes as hints
CHOICE_KEYS = ("1", "2")  # at a question: the first topic (or yes), the second (or no)
# How clear the desk of the examples nearest a caller's words must be (nearest.py: its score,
# 0 to 1, and its lead over the next desk's) to be put to the caller; chosen on the dev sets
# (docs/callers.md). CLEAR: for words the rules place nowhere, or beside a weak choice of theirs
# (resting on one word, or with another desk's words heard too), or beside any choice when the
# nearest desk is the center's own work: nearly any example in common, since a question only
# costs a "no". SURE: beside a choice resting on a longer phrase. INSTEAD: instead of the
# unclear question (お金を請求されていますか。それとも、広告のメールですか), which a caller whose
# trouble is neither cannot answer.
CLEAR = (0.03, 0.0)
SURE = (0.1, 0.05)
INSTEAD = (0.05, 0.02)
# DANGER: for danger chosen by the rules on words that say nothing was done yet (脅された,
# 刃物を持った人がいる, not 払ってしまった), when the examples put the words with another desk:
# the caller is asked between the two, the danger first.
DANGER = (0.03, 0.02)
# DANGER_CHANCE: the probability all the examples (Examples.likeliest) must give the police,
# when another desk is likelier, for the police to be offered beside the line's choice: money
# taken or someone in danger is asked about at a chance of 15 % (docs/callers.md, rounds 24
# and 25: 0.2 then 0.15, each chosen on the dev sets).
DANGER_CHANCE = 0.15


def by_minute(moment: datetime) -> datetime:
    """The moment on Japan's clock, to the minute: all that hours and the calendar depend on,
    and so the moment the step memo is keyed by."""
    return in_japan(moment).replace(second=0, microsecond=0)


def fault_step(reader: Reader) -> Step:
    """What a caller hears when the line itself has failed: an apology and 188."""
    return Step(fault_speech(reader), Outcome.ERROR)


@dataclass(frozen=True, slots=True)
class AtDesk:
    """What a step at a desk's answer says about it: the topic chosen ("ads/1" and its label),
    the desk, and whether it was open (None when its hours are not known)."""

    topic: str
    topic_label: str
    desk: str
    desk_open: bool | None

    def step(self, speech: tuple[Segment, ...], outcome: Outcome, listen: Position | None = None,
             transfer: Transfer | None = None, text: TextMessage | None = None,
             announced: bool = False, heard: str | None = None, wait: bool = False) -> Step:
        """A step at this desk's answer."""
        return Step(speech, outcome, listen=listen, transfer=transfer, desk=self.desk, text=text,
                    announced=announced, topic=self.topic, topic_label=self.topic_label,
                    desk_open=self.desk_open, heard=heard, wait=wait)


class CallFlow:
    """The line's behaviour for one loaded routes file."""

    def __init__(self, routes: Routes, reader: Reader, is_holiday: IsHoliday,
                 examples: Examples | None = None):
        self.routes = routes
        self.reader = reader
        self.t = reader.t
        self.is_holiday = is_holiday
        # Everything callers hear that does not change with the time of the call, made once.
        self.speech: Speech = build_speech(routes, reader)
        # Callers may say their trouble wherever a menu listens, when any option has `says:`.
        self.matcher: Matcher | None = None
        self.commands: Phrases | None = None
        self.replies: Phrases | None = None
        self.hints = self.answer_hints = self.question_hints = ""
        # Callers' example sentences, for words the rules do not place: each desk's topics.
        self.examples: Examples | None = None
        self.desk_topics: dict[str, tuple[str, ...]] = {}
        self._topic_grams: dict[str, frozenset[str]] = {}
        if listens_for_words(routes):
            spoken = [(m.id, o.key, o.desk or f"menu:{o.menu}", o.urgent, o.says)
                      for m in routes.menus.values() for o in m.options if o.says]
            unclear = routes.unclear
            self.matcher = Matcher(
                spoken, analyser(), routes.input.min_confidence,
                vague=unclear.says if unclear else (), vague_ask=unclear.topics if unclear else (),
                kept=frozenset(d.id for d in routes.desks.values() if d.in_scope),
                names={d.id: d.name if d.phone is None else f"{d.name} {d.phone.written}"
                       for d in routes.desks.values()},
            )
            # Fixed phrases, from the catalog: what a caller may say instead of a key.
            self.commands = Phrases(command_words(self.t), analyser(), requests=frozenset({TRANSFER, TEXT}))
            self.replies = Phrases(reply_words(self.t), analyser())
            topics = self.matcher.hints()
            moves = self.commands.hints((AGAIN, FIRST_MENU))
            self.hints = _hints(moves + topics)  # at a menu: again and the first menu, then topics
            self.answer_hints = _hints(self.commands.hints() + topics)  # at an answer: its keys' words first
            self.question_hints = _hints(self.replies.hints() + moves + topics)
            if examples is not None and len(examples):
                self._know_examples(examples)
        # A key's step depends on the time of the call by its day (the calendar) and minute
        # (hours are in minutes), no finer: each is worked out once for the callers at that
        # place then, and kept (caches.py says what this saves).
        self._pressed = lru_cache(maxsize=STEPS)(self._press)

    # -- entry points -----------------------------------------------------------------

    def start(self, now: datetime) -> Step:
        """A new call: the greeting, that day's announcements for the greeting, then the top menu."""
        day = in_japan(now).date()
        top = self.routes.top
        calendar = self.routes.calendar
        notices = self.announcements(calendar.at_greeting(day))
        return Step(self.speech.greeting + notices + self.speech.menu(top), Outcome.MENU,
                    listen=Position(top.id), announced=bool(notices),
                    closure_day=calendar.closes_any(day))

    def greeting_speech(self, now: datetime) -> tuple[Segment, ...]:
        """The greeting, and the announcements said after it on that day."""
        day = in_japan(now).date()
        return self.speech.greeting + self.announcements(self.routes.calendar.at_greeting(day))

    def announcements(self, found: tuple[Announcement, ...]) -> tuple[Segment, ...]:
        """Dated announcements, in the order routes.yaml lists them."""
        return self.speech.announcements(found)

    def menu_speech(self, menu: Menu, upto: str | None = None) -> tuple[Segment, ...]:
        """A menu read out (whole, or with `upto` as far as that option's key)."""
        return self.speech.menu(menu, upto)

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

        At a menu, a clear topic goes straight to its answer (or its menu); words about the line's
        subject that name no topic, or that two desks share, get one short question. Where callers'
        examples (nearest.py) are given: words the rules place nowhere are confirmed as the nearest
        desk's topic when it is clear (never answered); the unclear question gives way to such a
        confirmation when the nearest desk is none of its choices; and a choice resting on one word,
        or on words of two desks, is asked about beside the nearest desk's topic when the examples
        name that desk; so is danger (a threat, someone at the door, money paid or taken) when they
        name another desk clearly or all of them make another desk likelier, the danger first. A
        question or confirmation none of whose desks is the one all the examples together make
        likeliest offers that desk first, beside the likelier of its two (or the one confirmed; a
        danger's is never dropped). Where all the examples together make the police likeliest or
        give them a chance of 15 % (DANGER_CHANCE), a question or confirmation with no danger in it
        offers the police first, beside the likelier of its two, and an answer of another desk (the
        center's own work too) is asked about beside the police. An answer of the center's own work
        is asked about beside the desk all the examples make likeliest, where that is another, the
        center first. The police asked for by name, and any desk asked for by its number, are
        answered as the rules chose. Anything else says so and reads the menu again. At an answer,
        the words of its keys (again, put through, the first menu, by text message) do what the key
        does; another topic is confirmed first (danger goes straight to the police); thanks say
        goodbye. At a question, yes or no, or which one; words that deny a choice never choose it.
        Anywhere, a key said aloud (いち, 4番にします) is pressed, and 待って makes the line wait longer. The
        words themselves go no further than this call.
        """
        menu = self.routes.menus.get(position.menu)
        if menu is None:
            return self.lost()
        if self.matcher is None:
            # Only keys are listened for: words are a key that does nothing, no words silence.
            if words.strip():
                return self._no_such_key(menu, position, now, texting)
            return self.press(position, "", now, texting=texting)
        if not words.strip() or (confidence is not None
                                 and confidence < self.routes.input.min_confidence):
            words = ""  # the recogniser itself is unsure: as if nothing clear was said
        key = spoken_key(words)
        if key is not None:
            return replace(self.press(position, key, now, texting=texting), heard=SAID_KEY)
        if position.ask is not None:
            return self._heard_at_question(menu, position, words, now, texting)
        if position.key is not None:
            option = menu.option(position.key)
            if option is None or option.desk is None:
                return self.lost()
            return self._heard_at_answer(menu, option, position, words, now, texting)
        understood = self.matcher.understand(words)
        if understood.menu is not None:
            doubt = self._doubt(words, understood)
            if doubt is not None:
                return self._ask(menu, self._offer(words, doubt), position.failures)
            return self._go(understood.topic, now, texting, heard=understood.topic)
        command = self.commands.find(words, alone=True)
        if understood.ask and command not in (TRANSFER, TEXT):
            guess = self._guess(words, understood) if understood.unclear else None
            return self._ask(menu, self._offer(words, (guess,) if guess else understood.ask),
                             position.failures)
        if command == AGAIN:
            return Step(self.speech.menu(menu), Outcome.REPEAT, listen=position, heard=command)
        if command == FIRST_MENU:
            return replace(self._to_top(), heard=command)
        if command in (TRANSFER, TEXT):
            # Put through, or a text message, before the trouble is known: find the desk first.
            return Step((self.speech.desk_first(),) + self.speech.menu(menu), Outcome.REPEAT,
                        listen=position, heard=command)
        if command == WAIT:
            return Step((self.speech.waiting(),), Outcome.REPEAT, listen=position, heard=command,
                        wait=True)
        guess = self._guess(words, understood)
        if guess is not None:
            # Confirmed as the nearest desk's (or asked beside the likeliest desk, or the
            # police: _offer).
            return self._ask(menu, self._offer(words, (guess,)), position.failures)
        return self._not_understood(menu, position)

    # -- words the rules do not place: the nearest examples ---------------------------

    def _know_examples(self, examples: Examples) -> None:
        """Each desk's topics (an example whose desk no option leads to is ignored), and the
        n-grams of each topic's words, to tell which of a desk's topics words are nearer."""
        topics: dict[str, list[str]] = {}
        for m in self.routes.menus.values():
            for o in m.options:
                if o.desk is not None and o.desk in examples.desks:
                    topic = f"{m.id}/{o.key}"
                    topics.setdefault(o.desk, []).append(topic)
                    self._topic_grams[topic] = frozenset().union(
                        grams(label_text(o.label)), *(grams(text) for text in o.says))
        if topics:
            self.examples = examples
            self.desk_topics = {desk: tuple(found) for desk, found in topics.items()}

    def _nearest_topic(self, words: str, nearest: Nearest, clear: tuple[float, float]) -> str | None:
        """The topic of the nearest desk, if it is `clear` (score, margin)."""
        desk = nearest.clear(*clear)
        return None if desk is None else self._desk_topic(words, desk)

    def _desk_topic(self, words: str, desk: str, urgent: bool = False) -> str:
        """Of a desk's topics (its danger's only, if `urgent`), the one whose own words (label and
        `says:`) share most with the caller's; on a tie, the one with the most `says:` phrases."""
        topics = [t for t in self.desk_topics[desk] if not urgent or self.routes.topic(t)[1].urgent]
        if len(topics) == 1:
            return topics[0]
        return max(topics, key=lambda t: (self.examples.weight(words, self._topic_grams[t]),
                                          len(self.routes.topic(t)[1].says)))

    def _guess(self, words: str, understood: Understood) -> str | None:
        """A topic to confirm for words the rules place nowhere, or only in the unclear
        question (then only when the nearest desk is none of its choices')."""
        if self.examples is None or not (understood.unclear or understood.described):
            return None
        nearest = self.examples.nearest(words, self.desk_topics)
        if not understood.unclear:
            return self._nearest_topic(words, nearest, CLEAR)
        topic = self._nearest_topic(words, nearest, INSTEAD)
        asked = {found[1].desk for found in map(self.routes.topic, understood.ask) if found}
        return None if topic is None or self.routes.topic(topic)[1].desk in asked else topic

    def _offer(self, words: str, topics: tuple[str, ...]) -> tuple[str, ...]:
        """The topics a question at a menu asks between, given the ones the rules or the examples
        chose (`topics`: two to ask between, or one to confirm): where all the examples
        (`Examples.likeliest`, worked out once here) make a desk likeliest that none of them is,
        that desk's topic is offered first (`_offer_likeliest`); then, where none is a danger's,
        the police as `_offer_danger` says."""
        found = [self.routes.topic(topic) for topic in topics]
        if self.examples is None or any(f is None for f in found):
            return topics
        ranked = self.examples.likeliest(words, self.desk_topics)
        return self._offer_danger(words, self._offer_likeliest(words, topics, ranked), ranked)

    def _offer_likeliest(self, words: str, topics: tuple[str, ...],
                         ranked: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
        """`topics`, unless all the examples (their `ranked` desks) make another desk likeliest
        than any of theirs: then that desk's topic first, beside a danger's topic of them if
        there is one (never dropped), else beside the one of them the examples make likelier
        (the first on a tie). A confirmation of one desk becomes a question between two."""
        if not ranked:
            return topics
        best = ranked[0][0]
        found = [self.routes.topic(topic)[1] for topic in topics]
        if best in {option.desk for option in found}:
            return topics
        danger = [topic for topic, option in zip(topics, found) if option.urgent]
        if danger:
            return (danger[0], self._desk_topic(words, best))
        likeliest = dict(ranked)
        kept = max(topics, key=lambda topic: likeliest.get(self.routes.topic(topic)[1].desk,
                                                           -math.inf))
        return (self._desk_topic(words, best), kept)

    def _offer_danger(self, words: str, topics: tuple[str, ...],
                      ranked: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
        """`topics`, unless none of them is a danger's and all the examples (their `ranked`
        desks) make the police likeliest or give them DANGER_CHANCE (`_likeliest_danger`); then
        the police's topic first, beside the one of `topics` the examples make likelier (the
        first on a tie). Money taken or someone feared, in words no phrase of the police's
        names, is never asked about without the police; a caller whose trouble is the other one
        says so, and one whose trouble was the one left out names it (いいえ、広告です) or has
        the menu."""
        found = [self.routes.topic(topic) for topic in topics]
        if any(f is None or f[1].urgent for f in found):
            return topics
        danger = self._likeliest_danger(words, ranked)
        if danger is None:
            return topics
        likeliest = dict(ranked)
        kept = max(topics, key=lambda topic: likeliest.get(self.routes.topic(topic)[1].desk,
                                                           -math.inf))
        return (danger, kept)

    def _likeliest_danger(self, words: str,
                          ranked: tuple[tuple[str, float], ...] | None = None) -> str | None:
        """If all the examples (`Examples.likeliest`, or its `ranked` desks already worked out
        for these words) make a desk of danger's topics (the police's) likeliest, or give it at
        least DANGER_CHANCE, that one of its danger's topics nearest the words."""
        if self.examples is None:
            return None
        if ranked is None:
            ranked = self.examples.likeliest(words, self.desk_topics)
        for rank, (desk, chance) in enumerate(ranked):
            if any(self.routes.topic(t)[1].urgent for t in self.desk_topics.get(desk, ())):
                if rank == 0 or chance >= math.log(DANGER_CHANCE):
                    return self._desk_topic(words, desk, urgent=True)
                return None
        return None

    def _doubt(self, words: str, understood: Understood) -> tuple[str, str] | None:
        """Two topics to ask between instead of answering the rules' choice, the rules' first
        (so danger is offered first): the nearest desk's, if the examples nearest the words are
        another desk's and it is clear (CLEAR for a weak choice or when the nearest desk is the
        center's own work, else SURE; DANGER for danger); else the likeliest desk's, if all the
        examples together (the regression, `Examples.likeliest`) make another desk likeliest; else
        the police's, first, if they give the police at least DANGER_CHANCE. The center's own work
        (kept) is never passed over unasked: beside the police, first, where all the examples make
        the police likeliest or give them DANGER_CHANCE; else beside the desk they make likeliest,
        the center first, where that is another. Never for a desk asked for by its number
        (人権110番, 188) or the police by name (警察): those are answered as the rules chose."""
        if self.examples is None:
            return None
        target = self.routes.topic(understood.topic)[1]
        if target.desk in self.matcher.kept and not understood.direct:
            # The center's own work, where all the examples make the police likeliest or give
            # them DANGER_CHANCE: the police are offered first, the center beside them.
            ranked = self.examples.likeliest(words, self.desk_topics)
            danger = self._likeliest_danger(words, ranked)
            if danger is not None:
                return (danger, understood.topic)
            # Where they make another desk likeliest, that desk is offered beside the center.
            best = ranked[0][0] if ranked else target.desk
            return None if best == target.desk else (understood.topic, self._desk_topic(words, best))
        if target.desk is None or target.desk in self.matcher.kept or understood.direct:
            return None
        nearest = self.examples.nearest(words, self.desk_topics)
        if nearest.desk is not None and nearest.desk != target.desk:
            weak = understood.weight <= 1 or understood.second is not None
            # Words the examples put with the center's own work are never passed over without asking.
            clear = DANGER if target.urgent else CLEAR if weak or nearest.desk in self.matcher.kept else SURE
            if nearest.clear(*clear):
                return (understood.topic, self._nearest_topic(words, nearest, (0.0, 0.0)))
        # The desk all the examples make likeliest is another (of those they know): asked too.
        ranked = self.examples.likeliest(words, self.desk_topics)
        likeliest = dict(ranked)
        best = max(likeliest, key=likeliest.get, default=None)
        if (best is not None and target.desk in self.examples.desks and best != target.desk
                and likeliest[best] > likeliest.get(target.desk, -math.inf)):
            return (understood.topic, self._desk_topic(words, best))
        # Money taken or someone in danger, at a chance of 15 %: the police are asked about
        # first, beside the rules' choice.
        danger = None if target.urgent else self._likeliest_danger(words, ranked)
        return None if danger is None else (danger, understood.topic)

    def _no_such_key(self, menu: Menu, position: Position, now: datetime, texting: bool) -> Step:
        """What a key that does nothing at `position` gets: said so, and what was said there
        read again (a question, a menu, or an answer's keys)."""
        if position.ask is not None:
            speech = self.speech.question(position.topics)
            return self.lost() if speech is None else self.invalid(position, speech)
        if position.key is None:
            return self.invalid(position, self.speech.menu(menu))
        option = menu.option(position.key)
        if option is None or option.desk is None:
            return self.lost()
        desk = self.routes.desks[option.desk]
        return self.invalid(position, self.answer_keys(desk, self.desk_open(desk, now), texting=texting))

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
            return Step(self.speech.menu(submenu), Outcome.MENU, listen=Position(submenu.id),
                        heard=heard)
        return replace(self.answer(target, option, now, texting=texting), heard=heard)

    def _to_top(self) -> Step:
        top = self.routes.top
        return Step(self.speech.menu(top), Outcome.TOP, listen=Position(top.id))

    def _not_understood(self, menu: Menu, position: Position) -> Step:
        """Words that chose nothing: say so, and read the menu again."""
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            return replace(self.give_up(Outcome.MAX_FAILURES), heard=NOT_UNDERSTOOD)
        return Step((self.speech.words_not_understood(),) + self.speech.menu(menu),
                    Outcome.NOT_UNDERSTOOD, listen=replace(position, failures=failures),
                    heard=NOT_UNDERSTOOD)

    # -- questions --------------------------------------------------------------------

    def _ask(self, menu: Menu, topics: tuple[str, ...], failures: int = 0) -> Step:
        """One short question instead of the keypad: which of two topics, or is it this one."""
        speech = self.speech.question(topics)
        if speech is None:
            return self.lost()
        return Step(speech, Outcome.ASK, listen=Position(menu.id, failures=failures,
                                                           ask=",".join(topics)), heard=ASKED)

    def question_speech(self, topics: tuple[str, ...]) -> tuple[Segment, ...] | None:
        """The question about these topics (menu/key), or None if one no longer exists."""
        return self.speech.question(topics)

    def _at_question(self, menu: Menu, position: Position, digits: str, now: datetime,
                     texting: bool) -> Step:
        topics = position.topics
        speech = self.speech.question(topics)
        if speech is None:
            return self.lost()
        keys = self.routes.keys
        if not digits:
            silences = position.silences + 1
            if silences >= self.routes.input.max_silences:
                return self._give_up_asking(position, Outcome.NO_INPUT)
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
        speech = self.speech.question(topics)
        if speech is None:
            return self.lost()
        found = self.replies.found(words)
        named = self.matcher.among(words, topics)  # never a topic the words deny
        if (NO in found or (len(topics) == 2 and NEITHER in found)
                or (named is None and self.matcher.denies(words, topics))):
            # No (いいえ, お金は請求されていません); with the trouble named after it (いいえ、広告
            # です), that trouble: one asked about, or another.
            understood = self.matcher.understand(words)
            other = understood.topic if understood.menu is not None else None
            target = named or (other if other not in topics else None)
            if target is not None:
                return self._go(target, now, texting, heard=target)
            return replace(self._declined(menu), heard=NO)
        chosen = next((i for i, reply in enumerate((FIRST, SECOND)) if reply in found), None)
        if len(topics) == 1 and YES in found:
            chosen = 0
        if named is not None:
            chosen = topics.index(named)
        if chosen is not None and chosen < len(topics):
            return self._go(topics[chosen], now, texting, heard=topics[chosen])
        if len(topics) == 2 and YES in found:
            # はい to お金を請求されていますか。それとも…: which one is still to be said.
            return self._not_answered(position, self.speech.which_one(),
                                      self.speech.question(topics, asked=False), YES)
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
        return self._not_answered(position, self.speech.answer_not_understood(), speech,
                                  NOT_UNDERSTOOD)

    def _not_answered(self, position: Position, sorry: Segment, question: tuple[Segment, ...],
                      heard: str) -> Step:
        """An answer to a question that chose nothing: `sorry`, then the question again; a
        failure counted, and the call ends as a question unanswered does after too many."""
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            ending = self._give_up_asking(position, Outcome.MAX_FAILURES)
            return replace(ending, heard=heard)
        return Step((sorry,) + question, Outcome.NOT_UNDERSTOOD,
                    listen=replace(position, failures=failures), heard=heard)

    def _declined(self, menu: Menu) -> Step:
        """The caller said no to a question: the menu, to choose from."""
        return Step((self.speech.then_choose(),) + self.speech.menu(menu), Outcome.MENU,
                    listen=Position(menu.id))

    # -- words at an answer -----------------------------------------------------------

    def _heard_at_answer(self, menu: Menu, option: Option, position: Position, words: str,
                         now: datetime, texting: bool) -> Step:
        keys = self.routes.keys
        desk = self.routes.desks[option.desk]
        command = self.commands.find(words)
        key = {AGAIN: keys.repeat, FIRST_MENU: keys.top, TRANSFER: keys.transfer,
               TEXT: keys.sms}.get(command)
        if command == WAIT:
            # Fetching a pen: the line listens longer, and silence then reads the answer again
            # (silences=1 marks the wait) instead of saying goodbye.
            at_desk = self._at_desk(menu, option, desk, self.desk_open(desk, now))
            return at_desk.step((self.speech.waiting(),), Outcome.WAIT,
                                listen=replace(position, silences=1), heard=command, wait=True)
        if command == THANKS:
            return replace(self.goodbye(Outcome.ANSWER_HEARD, desk.id), heard=command)
        if command == TRANSFER and not desk.transfer:
            return self._answer_again(menu, option, position, now, texting,
                                      self.speech.no_transfer(), command)
        if command == TEXT and not (texting and can_text(desk)):
            sorry = self.speech.no_text_to_this_phone() if can_text(desk) else self.speech.nothing_to_text()
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
        speech = (self.speech.keys_not_understood(),) + self.answer_keys(desk, open_now, texting=texting)
        return self._at_desk(menu, option, desk, open_now).step(
            speech, Outcome.NOT_UNDERSTOOD, listen=replace(position, failures=failures),
            heard=NOT_UNDERSTOOD)

    def _answer_again(self, menu: Menu, option: Option, position: Position, now: datetime,
                      texting: bool, sorry: Segment, heard: str) -> Step:
        """Something asked for in words that this answer cannot do: say so, the number again,
        and the keys."""
        desk = self.routes.desks[option.desk]
        open_now = self.desk_open(desk, now)
        speech = (sorry,) + self.speech.contact(desk) + self.answer_keys(desk, open_now, texting=texting)
        return self._at_desk(menu, option, desk, open_now).step(
            speech, Outcome.INVALID, listen=position, heard=heard)

    def text_refused(self, position: Position, now: datetime, over_limit: bool) -> Step:
        """A text message the caller asked for cannot be sent: say so, and read the number again."""
        menu = self.routes.menus.get(position.menu)
        option = menu.option(position.key) if menu and position.key else None
        if option is None or option.desk is None:
            return self.lost()
        desk = self.routes.desks[option.desk]
        open_now = self.desk_open(desk, now)
        speech = ((self.speech.text_refused(over_limit),) + self.speech.contact(desk)
                  + self.answer_keys(desk, open_now))
        return self._at_desk(menu, option, desk, open_now).step(
            speech, Outcome.SMS_REFUSED, listen=position)

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
        open_now = self.desk_open(desk, now)
        speech = ((self.speech.not_put_through(),) + self.speech.contact(desk)
                  + self.hours_speech(desk, now, open_now)
                  + self.answer_keys(desk, open_now, offer_transfer=False, texting=texting))
        return self._at_desk(menu, option, desk, open_now).step(
            speech, outcome, listen=Position(menu.id, option.key))

    def lost(self) -> Step:
        """The position no longer exists (the routes changed mid-call): back to the top."""
        top = self.routes.top
        return Step((self.speech.menu_changed(),) + self.speech.menu(top), Outcome.LOST,
                    listen=Position(top.id))

    # -- menus ------------------------------------------------------------------------

    def _at_menu(self, menu: Menu, position: Position, digits: str, now: datetime,
                 texting: bool = False) -> Step:
        keys = self.routes.keys
        if not digits:
            silences = position.silences + 1
            if silences >= self.routes.input.max_silences:
                return self.give_up(Outcome.NO_INPUT)
            return Step((self.speech.read_again(),) + self.speech.menu(menu), Outcome.SILENCE,
                        listen=replace(position, silences=silences))
        if digits == keys.repeat:
            return Step(self.speech.menu(menu), Outcome.REPEAT, listen=position)
        if digits == keys.top:
            return self._to_top()
        option = menu.option(digits)
        if option is None:
            return self.invalid(position, self.speech.menu(menu))
        if option.menu is not None:
            submenu = self.routes.menus[option.menu]
            return Step(self.speech.menu(submenu), Outcome.MENU, listen=Position(submenu.id))
        return self.answer(menu, option, now, texting=texting)

    def invalid(self, position: Position, then: tuple[Segment, ...]) -> Step:
        """A key that does nothing here: say so and ask again, or end after too many (at an
        answer, with that answer's number once more)."""
        failures = position.failures + 1
        if failures >= self.routes.input.max_failures:
            found = self.routes.topic(f"{position.menu}/{position.key}") if position.key else None
            if found is not None and found[1].desk is not None:
                return self.farewell(*found, Outcome.MAX_FAILURES)
            return self._give_up_asking(position, Outcome.MAX_FAILURES)
        return Step((self.speech.key_not_on_menu(),) + then, Outcome.INVALID,
                    listen=replace(position, failures=failures))

    # -- answers ----------------------------------------------------------------------

    def _at_answer(self, menu: Menu, option: Option, position: Position, digits: str,
                   now: datetime, texting: bool = False) -> Step:
        keys = self.routes.keys
        desk = self.routes.desks[option.desk]
        if not digits:
            if position.silences:  # silent after asking the line to wait: the answer again
                return self.answer(menu, option, now, outcome=Outcome.ANSWER_REPEAT, texting=texting)
            return self.goodbye(Outcome.ANSWER_HEARD, desk.id)
        open_now = self.desk_open(desk, now)
        at_desk = self._at_desk(menu, option, desk, open_now)
        if digits == keys.repeat:
            return self.answer(menu, option, now, outcome=Outcome.ANSWER_REPEAT, texting=texting)
        if digits == keys.sms and texting and can_text(desk):
            return at_desk.step((self.speech.sending_text(),) + self.answer_keys(desk, open_now),
                                Outcome.SMS, listen=position, text=self.text_message(desk, now))
        if digits == keys.top:
            top = self.routes.top
            return Step(self.speech.menu(top), Outcome.TOP, listen=Position(top.id), desk=desk.id)
        if digits == keys.transfer and desk.transfer:
            if open_now:
                transfer = Transfer(desk.phone.e164, self.routes.input.transfer_timeout,
                                    Position(menu.id, option.key))
                return at_desk.step(self.speech.putting_through(desk), Outcome.TRANSFER,
                                    transfer=transfer)
            speech = self.hours_speech(desk, now, open_now) + self.answer_keys(desk, open_now, texting=texting)
            return at_desk.step(speech, Outcome.TRANSFER_CLOSED, listen=position)
        return self.invalid(position, self.answer_keys(desk, open_now, texting=texting))

    def answer(self, menu: Menu, option: Option, now: datetime,
               outcome: Outcome = Outcome.ANSWER, texting: bool = False) -> Step:
        """A desk's answer: that day's announcements for it (first time only), the path's lead,
        number (or address) and name, scope statement, the number again, about, hours, cost,
        notes, keys."""
        desk = self.routes.desks[option.desk]
        open_now = self.desk_open(desk, now)
        notices = self.answer_notices(desk, now) if outcome == Outcome.ANSWER else ()
        speech = (notices + self.speech.heads[menu.id, option.key]
                  + self.hours_speech(desk, now, open_now) + self.speech.closings[desk.id]
                  + self.answer_keys(desk, open_now, texting=texting))
        return self._at_desk(menu, option, desk, open_now).step(
            speech, outcome, listen=Position(menu.id, option.key), announced=bool(notices))

    def _at_desk(self, menu: Menu, option: Option, desk: Desk, open_now: bool) -> AtDesk:
        """A step's topic and desk, and whether the desk is open now (None if its hours are unknown)."""
        known = desk.hours is not None and desk.hours.known
        return AtDesk(f"{menu.id}/{option.key}"[:80], label_text(option.label)[:200], desk.id,
                      open_now if known else None)

    def answer_notices(self, desk: Desk, now: datetime) -> tuple[Segment, ...]:
        """The announcements said before a desk's answer on that day (not when it is repeated)."""
        return self.announcements(self.routes.calendar.before_answer(desk.id, in_japan(now).date()))

    def contact(self, desk: Desk) -> tuple[Segment, ...]:
        """The desk's number or address, said twice so it can be written down."""
        return self.speech.contact(desk)

    def desk_open(self, desk: Desk, now: datetime) -> bool:
        """Whether the desk takes calls right now, the calendar's closures and hours included."""
        return desk.hours is not None and is_open(
            desk.hours, now, self.is_holiday, self.routes.calendar.desk_hours(desk.id))

    def hours_speech(self, desk: Desk, now: datetime, open_now: bool) -> tuple[Segment, ...]:
        """The desk's hours in words, that day's closure or special hours, and when it next opens.

        `open_now` is `desk_open(desk, now)`, worked out once per step by the caller.
        """
        if desk.hours is None or not desk.hours.known:
            return self.speech.hours[desk.id]
        day = in_japan(now).date()
        dated = self.routes.calendar.desk_hours(desk.id)
        today = self.dated_day(desk, day) if dated else None
        opens = None if open_now else next_opening(desk.hours, now, self.is_holiday, dated)
        day_off = today is None and not open_now and not opens_on(desk.hours, day, self.is_holiday)
        return self.speech.desk_hours(desk, today, open_now, opens, day, day_off)

    def dated_day(self, desk: Desk, day: date) -> DayHours | None:
        """What the calendar sets for a desk on a day; a closure on a day the desk is closed
        anyway sets nothing (callers hear its usual closed days, and `ivr check` warns)."""
        found = self.routes.calendar.day(desk.id, day)
        if (found is not None and found.closed and desk.hours is not None and desk.hours.known
                and not opens_on(desk.hours, day, self.is_holiday)):
            return None
        return found

    def answer_keys(self, desk: Desk, open_now: bool, offer_transfer: bool = True,
                    texting: bool = False) -> tuple[Segment, ...]:
        """The keys after an answer: put through (when the desk is open now), by text (when
        `texting`), hear again, back to the top."""
        offer = bool(offer_transfer and desk.transfer and open_now)
        return self.speech.answer_keys(desk, offer, texting)

    def text_message(self, desk: Desk, now: datetime | None = None) -> TextMessage:
        """The text message with a desk's details (texts.py), for the Japan date of `now`: on a
        day the calendar closes the desk or gives it special hours it says so, and when the desk
        next opens if it opens no more that day."""
        if now is None:
            return text_message(desk, self.reader)
        today = in_japan(now).date()
        dated = self.dated_day(desk, today)
        if dated is None:
            return text_message(desk, self.reader)
        calendar = self.routes.calendar.desk_hours(desk.id)
        opens = None
        if not is_open(desk.hours, now, self.is_holiday, calendar):
            opens = next_opening(desk.hours, now, self.is_holiday, calendar)
        return text_message(desk, self.reader, dated, today, opens)

    # -- endings ----------------------------------------------------------------------

    def goodbye(self, outcome: Outcome, desk: str | None = None) -> Step:
        """End the call politely."""
        return Step(self.speech.goodbye(), outcome, desk=desk)

    def farewell(self, menu: Menu, option: Option, outcome: Outcome, twice: bool = False) -> Step:
        """End a call at an answer: its lead and its number once more (`twice`: the number
        given twice, for a caller who has not heard the answer), then goodbye."""
        return Step(self.speech.farewell(option, twice), outcome, desk=option.desk)

    def give_up(self, outcome: Outcome) -> Step:
        """End a call that found no way forward, pointing to 188 as the place to start."""
        return Step(self.speech.give_up(), outcome)

    def _give_up_asking(self, position: Position, outcome: Outcome) -> Step:
        """End a call that found no way forward at `position`: at a question that offered danger
        (the police), as that answer ends (緊急のときは、110へ…, its number once more), since the
        caller may be in danger; elsewhere pointing to 188."""
        for topic in position.topics if position.ask is not None else ():
            found = self.routes.topic(topic)
            if found is not None and found[1].urgent and found[1].desk is not None:
                return self.farewell(*found, outcome, twice=True)
        return self.give_up(outcome)


def _hints(phrases: tuple[str, ...]) -> str:
    """Phrases for Twilio's `hints`, each once, at most MAX_HINTS, in the order given."""
    return ", ".join(tuple(dict.fromkeys(phrases))[:MAX_HINTS])
