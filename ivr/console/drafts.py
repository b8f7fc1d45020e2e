"""The draft of routes.yaml the center's staff are preparing: one, shared, in the records database.

Every change made in the console goes into the draft first; publishing it makes a version
(ivr.records.versions). The draft remembers the version it was started from, so that a
publish made meanwhile by someone else is noticed before it would be overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from ..records.summary import utc
from ..records.tables import console_drafts

DRAFT_ROW = 1


@dataclass(frozen=True)
class Draft:
    """The text being prepared, the version it started from, who changed it last and when."""

    text: str
    base_version: int | None
    author: str
    updated_at: datetime


class Drafts:
    """The one draft, in the records database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None):
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def get(self) -> Draft | None:
        """The draft, None if there is none."""
        with self.engine.connect() as connection:
            row = connection.execute(select(console_drafts).where(console_drafts.c.id == DRAFT_ROW)
                                     ).mappings().one_or_none()
        return None if row is None else Draft(row["text"], row["base_version"], row["author"],
                                              utc(row["updated_at"]))

    def save(self, text: str, *, base_version: int | None, author: str) -> Draft:
        """Keep `text` as the draft."""
        now = utc(self._clock())
        values = {"text": text, "base_version": base_version, "author": author[:200], "updated_at": now}
        with self.engine.begin() as connection:
            moved = connection.execute(update(console_drafts).where(console_drafts.c.id == DRAFT_ROW)
                                       .values(**values)).rowcount
            if not moved:
                connection.execute(console_drafts.insert().values(id=DRAFT_ROW, **values))
        return Draft(text, base_version, author, now)

    def discard(self) -> None:
        """No draft any more."""
        with self.engine.begin() as connection:
            connection.execute(delete(console_drafts).where(console_drafts.c.id == DRAFT_ROW))
