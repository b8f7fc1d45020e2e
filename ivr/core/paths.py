"""Every way through the menus to a desk, and what a caller hears on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .flow import CallFlow
from .steps import Position
from .readings import Segment, Slow, Words
from .routes import TOP_MENU


@dataclass(frozen=True)
class Path:
    """The keys from the start of a call to one desk's answer."""

    keys: tuple[str, ...]
    menus: tuple[str, ...]
    desk: str
    eager: tuple[Segment, ...]
    patient: tuple[Segment, ...]
    heard: tuple[Segment, ...]
    answer: tuple[Segment, ...]

    @property
    def transcript(self) -> tuple[Segment, ...]:
        """Everything a caller hears on this path who listens to every menu to its end."""
        return self.heard + self.answer


def until_contact(flow: CallFlow, answer: tuple[Segment, ...], lead_length: int) -> tuple[Segment, ...]:
    """The part of an answer heard up to the end of the sentence that first gives a number or address.

    A desk with neither (the SNS help pages) is timed to the end of the first sentence after the
    lead: the one that tells the caller where to go.
    """
    for i, segment in enumerate(answer):
        if isinstance(segment, Slow):
            return answer[:i + 1] + _to_sentence_end(answer[i + 1:])
    return answer[:lead_length] + _to_sentence_end(answer[lead_length:])


def _to_sentence_end(rest: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """The segments up to and including the first 。 (the end of the sentence under way)."""
    out: list[Segment] = []
    for segment in rest:
        if isinstance(segment, Words) and "。" in segment.text:
            out.append(Words(segment.text[:segment.text.index("。") + 1]))
            break
        out.append(segment)
    return tuple(out)


def walk(flow: CallFlow, now: datetime) -> list[Path]:
    """All paths from the greeting to each desk's answer, depth first in menu order."""
    routes = flow.routes
    greeting = flow.greeting_speech(now)  # with that day's announcements
    found: list[Path] = []

    def visit(menu_id: str, keys: tuple[str, ...], menus: tuple[str, ...],
              eager: tuple[Segment, ...], patient: tuple[Segment, ...]) -> None:
        menu = routes.menus[menu_id]
        for option in menu.options:
            heard_eager = eager + flow.menu_speech(menu, upto=option.key)
            heard_patient = patient + flow.menu_speech(menu)
            if option.menu is not None:
                if option.menu not in menus:
                    visit(option.menu, keys + (option.key,), menus + (option.menu,),
                          heard_eager, heard_patient)
                continue
            step = flow.press(Position(menu_id), option.key, now)
            desk = routes.desks[option.desk]
            scoped = not desk.in_scope and option.scope_statement
            notices = len(flow.answer_notices(desk, now))
            lead = len(flow.reader.text(routes.scope_statement)) if scoped else 0
            lead += len(flow.reader.text(option.lead))
            before = step.speech[:notices] + until_contact(flow, step.speech[notices:], lead)
            found.append(Path(keys + (option.key,), menus, option.desk,
                              heard_eager + before, heard_patient + before, heard_patient,
                              step.speech))

    visit(TOP_MENU, (), (TOP_MENU,), greeting, greeting)
    return found


@dataclass(frozen=True)
class SpokenPath:
    """A caller at the first menu who says an option's first `says:` phrase."""

    menu: str
    key: str
    words: str
    desk: str | None  # where the words led; None when they were not understood
    heard: tuple[Segment, ...]  # what the caller hears after their words, to the number's sentence


def spoken(flow: CallFlow, now: datetime) -> list[SpokenPath]:
    """For each option with `says:`, what its first phrase, said at the first menu, leads to."""
    found: list[SpokenPath] = []
    for menu in flow.routes.menus.values():
        for option in menu.options:
            if not option.says:
                continue
            step = flow.hear(Position(TOP_MENU), option.says[0], 1.0, now)
            found.append(SpokenPath(menu.id, option.key, option.says[0], step.desk,
                                    until_contact(flow, step.speech, 0)))
    return found
