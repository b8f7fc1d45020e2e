"""What changes for callers between two versions of routes.yaml, menu by menu and path by path."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from ..core.flow import CallFlow
from ..core.notices import ENGLISH, notice, pnotice
from ..core.paths import walk
from ..core.readings import Segment, plain
from .tree import dated_lines, unclear_lines

SENTENCE = re.compile(r"(?<=[。.!?！？])")


@dataclass(frozen=True)
class Change:
    """A menu or a key path whose words differ: added, removed or changed."""

    where: str  # "menu top" or the keys of a path, e.g. "3-2" (a Notice: where.render(locale))
    kind: str  # "added", "removed", "changed"
    old_desk: str | None
    new_desk: str | None
    lines: tuple[str, ...]  # "- sentence no longer heard" / "+ sentence now heard"


def sentences(text: str) -> list[str]:
    """A transcript cut into sentences, so a change shows as whole sentences."""
    return [s for s in SENTENCE.split(text) if s]


def _compare(old: tuple[Segment, ...] | None, new: tuple[Segment, ...] | None) -> tuple[str, ...]:
    old_text = plain(old, written=True) if old is not None else ""
    new_text = plain(new, written=True) if new is not None else ""
    return tuple(line for line in difflib.ndiff(sentences(old_text), sentences(new_text))
                 if line[:1] in "-+")


def _kind(old: object, new: object) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def diff_routes(old: CallFlow, new: CallFlow, now: datetime, locale: str | None = ENGLISH) -> list[Change]:
    """Every menu and every key path whose words differ between two routes files; the calendar's
    lines and the unclear words' question in a locale."""
    changes = []
    old_greeting, new_greeting = old.greeting_speech(now), new.greeting_speech(now)
    if old_greeting != new_greeting:
        # TRANSLATORS: in ivr diff: the greeting every caller hears first.
        changes.append(Change(pnotice("diff place", "greeting"), "changed", None, None,
                              _compare(old_greeting, new_greeting)))
    old_dated, new_dated = dated_lines(old.routes, locale=locale), dated_lines(new.routes, locale=locale)
    dated = tuple([f"- {line}" for line in old_dated if line not in new_dated]
                  + [f"+ {line}" for line in new_dated if line not in old_dated])
    if dated:
        # TRANSLATORS: in ivr diff: the calendar's closures and special hours, and the announcements.
        changes.append(Change(pnotice("diff place", "calendar"), "changed", None, None, dated))
    old_unclear, new_unclear = unclear_lines(old.routes, locale), unclear_lines(new.routes, locale)
    if old_unclear != new_unclear:
        # TRANSLATORS: in ivr diff: the unclear: section, the question callers hear when their
        # words name no trouble.
        changes.append(Change(pnotice("diff place", "unclear words"), _kind(old_unclear or None,
                                                                        new_unclear or None), None, None,
                              tuple([f"- {line.strip()}" for line in old_unclear if line not in new_unclear]
                                    + [f"+ {line.strip()}" for line in new_unclear if line not in old_unclear])))
    old_says, new_says = _says(old), _says(new)
    for topic in sorted(set(old_says) | set(new_says)):
        was, now_is = old_says.get(topic, ()), new_says.get(topic, ())
        if set(was) != set(now_is):
            # TRANSLATORS: in ivr diff: the words callers may say for one option, by its menu/key in
            # routes.yaml (ja: billing/1 の言葉): they change where callers' words lead.
            changes.append(Change(pnotice("diff place", "words for %(topic)s", topic=topic), "changed",
                                  None, None, tuple([f"- {w}" for w in was if w not in now_is]
                                                    + [f"+ {w}" for w in now_is if w not in was])))
    old_menus = {m: old.menu_speech(menu) for m, menu in old.routes.menus.items()}
    new_menus = {m: new.menu_speech(menu) for m, menu in new.routes.menus.items()}
    for menu_id in sorted(set(old_menus) | set(new_menus)):
        was, now_is = old_menus.get(menu_id), new_menus.get(menu_id)
        if was != now_is:
            # TRANSLATORS: one menu, by its id in routes.yaml (ja: メニュー top).
            changes.append(Change(notice("menu %(id)s", id=menu_id), _kind(was, now_is), None, None,
                                  _compare(was, now_is)))
    before = {p.keys: p for p in walk(old, now)}
    after = {p.keys: p for p in walk(new, now)}
    for keys in sorted(set(before) | set(after)):
        was, now_is = before.get(keys), after.get(keys)
        old_answer = was.answer if was else None
        new_answer = now_is.answer if now_is else None
        if was and now_is and was.desk == now_is.desk and old_answer == new_answer:
            continue
        # TRANSLATORS: in ivr diff: a path by the keys a caller presses, e.g. 3-2 (ja: キー 3-2).
        changes.append(Change(pnotice("diff place", "%(keys)s", keys="-".join(keys)), _kind(was, now_is),
                              was and was.desk, now_is and now_is.desk, _compare(old_answer, new_answer)))
    return changes


def _says(flow: CallFlow) -> dict[str, tuple[str, ...]]:
    """Each option's says: phrases, by menu/key."""
    return {f"{m.id}/{o.key}": o.says for m in flow.routes.menus.values() for o in m.options if o.says}


def change_lines(changes: list[Change], old: CallFlow, new: CallFlow,
                 locale: str | None = ENGLISH) -> list[str]:
    """The changes as `ivr diff` prints them, in a locale: each place (desks by name outside
    English), then its sentences (- no longer, + now heard); one line when there are none."""
    from ..core.notices import in_locale
    from .tree import desk_names

    names = {**(desk_names(old.routes, locale) or {}), **(desk_names(new.routes, locale) or {})}
    lines = []
    for change in changes:
        where = in_locale(change.where, locale)
        was, now = names.get(change.old_desk, change.old_desk), names.get(change.new_desk, change.new_desk)
        if change.old_desk != change.new_desk and change.kind == "changed":
            # TRANSLATORS: ivr diff: a path now leads to another desk.
            line = notice("%(where)s: now leads to %(new)s (was %(old)s)", where=where, new=now, old=was)
        elif change.kind == "changed" and change.new_desk:
            # TRANSLATORS: ivr diff: what callers hear on a path to this desk changes.
            line = notice("%(where)s: changed (%(desk)s)", where=where, desk=now)
        elif change.kind == "changed":
            # TRANSLATORS: ivr diff: what callers hear in a menu, the greeting or the calendar changes.
            line = notice("%(where)s: changed", where=where)
        elif change.kind == "added" and change.new_desk:
            # TRANSLATORS: ivr diff: a new path, leading to this desk.
            line = notice("%(where)s: new, leads to %(desk)s", where=where, desk=now)
        elif change.kind == "added":
            # TRANSLATORS: ivr diff: a new menu.
            line = notice("%(where)s: new", where=where)
        elif change.old_desk:
            # TRANSLATORS: ivr diff: a path that is gone, and the desk it led to.
            line = notice("%(where)s: removed (led to %(desk)s)", where=where, desk=was)
        else:
            # TRANSLATORS: ivr diff: a menu that is gone.
            line = notice("%(where)s: removed", where=where)
        lines.append(line.render(locale))
        lines += [f"    {line}" for line in change.lines]
    # TRANSLATORS: ivr diff: the two files sound the same to callers.
    return lines or [notice("callers hear no difference").render(locale)]
