"""The values a call's steps are made of: where the caller is (travelling in the webhook URL),
what happens next, a transfer and a text message.

Pure values: no Flask, no Twilio, no clock. CallFlow (flow.py) makes them; the web layer
renders them and the listeners read them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .outcomes import Outcome
from .readings import Segment

MAX_COUNT = 9  # silences or wrong keys a position can carry
_TOPICS = re.compile(r"[a-z][a-z0-9_]*/[0-9*#](,[a-z][a-z0-9_]*/[0-9*#])?")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a caller is: a menu, the answer behind one of its keys, or a question asked at a
    menu (`ask`: the topics asked between, as menu/key joined by commas; one to confirm).
    `silences` counts silences in a row at a menu or question; at an answer, where silence
    says goodbye, 1 marks that the caller asked the line to wait (silence reads it again)."""

    menu: str
    key: str | None = None
    silences: int = 0
    failures: int = 0
    ask: str | None = None

    def to_query(self) -> dict[str, str]:
        """The position as URL query parameters."""
        query = {"m": self.menu, "s": str(self.silences), "f": str(self.failures)}
        if self.key is not None:
            query["k"] = self.key
        if self.ask is not None:
            query["q"] = self.ask
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Position | None:
        """Read a position from URL query parameters; None if it is malformed."""
        menu, key, ask = query.get("m"), query.get("k"), query.get("q")
        try:
            silences, failures = int(query.get("s", "0")), int(query.get("f", "0"))
        except ValueError:
            return None
        if not menu or not 0 <= silences <= MAX_COUNT or not 0 <= failures <= MAX_COUNT:
            return None
        if ask is not None and (key is not None or not _TOPICS.fullmatch(ask)):
            return None
        return cls(menu, key, silences, failures, ask)

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics of a question, as menu/key."""
        return tuple(self.ask.split(",")) if self.ask else ()


@dataclass(frozen=True, slots=True)
class Transfer:
    """Put the call through to a desk; the result comes back at `then`."""

    number: str
    timeout: int
    then: Position


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A text message with a desk's details, for the caller who asked for one."""

    desk: str
    body: str


@dataclass(frozen=True, slots=True)
class Step:
    """What the caller hears, then: listen for a key, transfer, or hang up.

    At a desk's answer the step also says which topic the caller chose ("ads/1" and its
    label), which desk, and whether the desk was open (None when its hours are not known).
    `text` is a message the caller asked for: the web layer hands it to the sender,
    or, if it cannot be sent, answers with `CallFlow.text_refused` instead.
    """

    speech: tuple[Segment, ...]
    outcome: Outcome
    listen: Position | None = None
    transfer: Transfer | None = None
    desk: str | None = None
    text: TextMessage | None = None
    announced: bool = False  # a dated announcement from routes.yaml was said in this step
    closure_day: bool = False  # a new call on a day the calendar closes some desk
    topic: str | None = None
    topic_label: str | None = None
    desk_open: bool | None = None
    heard: str | None = None  # for spoken words: the topic understood (menu/key), asked, again,
    # first_menu, transfer, text, wait, key (a key said aloud), yes, no, or not_understood
    # (never the words themselves)
    wait: bool = False  # the caller asked the line to wait: it listens longer than usual

    @property
    def hangs_up(self) -> bool:
        """Whether the call ends after the speech."""
        return self.listen is None and self.transfer is None
