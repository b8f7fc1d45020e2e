"""Versions of routes.yaml in the records database: publish, roll back, history, audit trail.

Each version keeps the exact text it was published with (byte for byte, once encoded as UTF-8),
its digest, number, author, message and time, and is never changed. One version is published:
every server serves it. Every publish, rollback and refused publish is an audit event (who,
when, what, from which version to which).

Numbers are given out one at a time: a publish or a rollback holds a lock for its transaction
(SQLite's write lock, a PostgreSQL advisory lock), so two operators publishing at once both get
a version, the later one is published, and the history says in which order. The text is
checked before it comes here (`ivr.web.published.publish_checked`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from .summary import utc
from .tables import routes_audit, routes_published, routes_versions

ROUTES_LOCK = 0x1F0_2028  # PostgreSQL advisory lock held while a version is published
PUBLISHED_ROW = 1  # the one row of routes_published
MAX_AUTHOR = 200
MAX_MESSAGE = 2000
MAX_DETAIL = 4000
ATTEMPTS = 5  # a publish that meets a conflict (another writer's number) tries again


@dataclass(frozen=True)
class Version:
    """One published text of routes.yaml."""

    number: int
    text: str
    digest: str  # the first 16 hex digits of the text's SHA-256, as the served routes show it
    author: str
    message: str
    created_at: datetime  # aware, UTC
    published: bool  # the version every server serves now

    def intact(self) -> bool:
        """Whether the text is still the one its digest was made of."""
        return digest_of(self.text) == self.digest


@dataclass(frozen=True)
class AuditEvent:
    """Something done to the routes' versions (or by the operators' console): who, when, what."""

    id: int
    at: datetime  # aware, UTC
    actor: str
    action: str  # publish, rollback, refused, or another word given to `record`
    from_version: int | None
    to_version: int | None
    detail: str


class UnknownVersion(LookupError):
    """No version has that number."""

    def __init__(self, number: int):
        self.number = number
        super().__init__(f"there is no version {number}")


def text_sha256(routes_text: str) -> str:
    """The SHA-256 of routes text as the file's bytes (UTF-8)."""
    return hashlib.sha256(routes_text.encode("utf-8")).hexdigest()


def digest_of(routes_text: str) -> str:
    """The digest the served routes show for this text (`Routes.digest`)."""
    return text_sha256(routes_text)[:16]


def version_file(number: int) -> str:
    """How problems name a version's text: `routes.yaml (version 6):12: desks.center.phone: …`."""
    return f"routes.yaml (version {number})"


def _who(name: str) -> str:
    return (name or "").strip()[:MAX_AUTHOR] or "unknown"


def _message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValueError("a message is required: say what changed and why")
    return message[:MAX_MESSAGE]


class VersionStore:
    """The routes' versions and their audit trail, in the records database (`make_engine`'s engine)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None):
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def _now(self) -> datetime:
        return utc(self._clock())

    # -- changes -------------------------------------------------------------------------

    def publish(self, text: str, *, author: str, message: str) -> Version:
        """Store `text` (already checked) as a new version and publish it.

        Text identical to the version published now makes no new version: that version is
        returned as it is, and nothing is recorded.
        """
        author, message = _who(author), _message(message)
        return self._locked(lambda connection: self._publish(connection, text, author, message))

    def publish_first(self, text: str, *, author: str, message: str) -> Version:
        """The published version; `text` becomes version 1 if none is published yet.

        For a server's first start on an empty database: of several starting at once, one
        stores its text and the others get that version.
        """
        author, message = _who(author), _message(message)

        def work(connection: Connection) -> Version:
            current = self._published_number(connection)
            published = None if current is None else self._get(connection, current, current)
            return published or self._publish(connection, text, author, message)

        return self._locked(work)

    def rollback(self, number: int, *, author: str, message: str) -> Version:
        """Publish version `number` again (its text, unchanged); UnknownVersion if there is none.

        Rolling back to the version published now changes nothing and records nothing.
        """
        author, message = _who(author), _message(message)

        def work(connection: Connection) -> Version:
            current = self._published_number(connection)
            version = self._get(connection, number, number)
            if version is None:
                raise UnknownVersion(number)
            if current != number:
                now = self._now()
                self._point(connection, number, now)
                self._audit(connection, now, author, "rollback", current, number, message)
            return version

        return self._locked(work)

    def refused(self, text: str, *, author: str, message: str, reason: str) -> None:
        """Record a publish that was refused (the text failed the check), and why."""
        lines = [(message or "").strip() or "(no message)"]
        if text:
            lines.append(f"digest {digest_of(text)}")
        lines.append(reason)
        detail = "\n".join(lines)[:MAX_DETAIL]

        def work(connection: Connection) -> None:
            self._audit(connection, self._now(), _who(author), "refused",
                        self._published_number(connection), None, detail)

        self._locked(work)

    def record(self, *, actor: str, action: str, detail: str = "") -> None:
        """Record any other event in the audit trail (a console login, an operator's account, a draft)."""
        with self.engine.begin() as connection:
            self._audit(connection, self._now(), _who(actor), action.strip()[:32] or "event", None,
                        None, (detail or "")[:MAX_DETAIL])

    # -- reading -------------------------------------------------------------------------

    def published_number(self) -> int | None:
        """The number of the version published now, None if none is: one read of one row."""
        with self.engine.connect() as connection:
            return self._published_number(connection)

    def published(self) -> Version | None:
        """The version published now, None if none is."""
        with self.engine.connect() as connection:
            current = self._published_number(connection)
            return None if current is None else self._get(connection, current, current)

    def get(self, number: int) -> Version | None:
        """Version `number`, None if there is none."""
        with self.engine.connect() as connection:
            return self._get(connection, number, self._published_number(connection))

    def history(self, limit: int | None = None) -> list[Version]:
        """The versions, newest first (at most `limit`)."""
        with self.engine.connect() as connection:
            current = self._published_number(connection)
            query = select(routes_versions).order_by(routes_versions.c.number.desc())
            if limit is not None:
                query = query.limit(limit)
            return [self._version(row, current) for row in connection.execute(query).mappings()]

    def audit(self, limit: int | None = None) -> list[AuditEvent]:
        """The audit trail, newest first (at most `limit` events)."""
        with self.engine.connect() as connection:
            query = select(routes_audit).order_by(routes_audit.c.id.desc())
            if limit is not None:
                query = query.limit(limit)
            return [AuditEvent(row["id"], utc(row["at"]), row["actor"], row["action"],
                               row["from_version"], row["to_version"], row["detail"])
                    for row in connection.execute(query).mappings()]

    # -- inside a transaction ------------------------------------------------------------

    def _locked(self, work: Callable[[Connection], object]):
        """Run `work` in a transaction holding the publishing lock; again after a conflict."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._transaction() as connection:
                    return work(connection)
            except (IntegrityError, OperationalError) as error:
                # A number another writer took (an engine without the lock), or SQLite's
                # "database is locked" between two deferred transactions: try again.
                if attempt == ATTEMPTS or not _conflict(error):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTES_LOCK})
            yield connection

    def _publish(self, connection: Connection, text: str, author: str, message: str) -> Version:
        sha = text_sha256(text)
        current = self._published_number(connection)
        if current is not None:
            published = self._get(connection, current, current)
            if published is not None and published.digest == sha[:16] and published.text == text:
                return published
        number = (connection.execute(select(func.max(routes_versions.c.number))).scalar() or 0) + 1
        now = self._now()
        connection.execute(routes_versions.insert().values(
            number=number, text=text, sha256=sha, author=author, message=message, created_at=now))
        self._point(connection, number, now)
        self._audit(connection, now, author, "publish", current, number, message)
        return Version(number, text, sha[:16], author, message, now, True)

    @staticmethod
    def _published_number(connection: Connection) -> int | None:
        return connection.execute(select(routes_published.c.number)
                                  .where(routes_published.c.id == PUBLISHED_ROW)).scalar_one_or_none()

    def _get(self, connection: Connection, number: int, current: int | None) -> Version | None:
        row = connection.execute(select(routes_versions)
                                 .where(routes_versions.c.number == number)).mappings().one_or_none()
        return None if row is None else self._version(row, current)

    @staticmethod
    def _version(row, current: int | None) -> Version:
        return Version(row["number"], row["text"], row["sha256"][:16], row["author"], row["message"],
                       utc(row["created_at"]), row["number"] == current)

    @staticmethod
    def _point(connection: Connection, number: int, now: datetime) -> None:
        moved = connection.execute(update(routes_published)
                                   .where(routes_published.c.id == PUBLISHED_ROW)
                                   .values(number=number, published_at=now)).rowcount
        if not moved:
            connection.execute(routes_published.insert().values(
                id=PUBLISHED_ROW, number=number, published_at=now))

    @staticmethod
    def _audit(connection: Connection, at: datetime, actor: str, action: str,
               from_version: int | None, to_version: int | None, detail: str) -> None:
        connection.execute(routes_audit.insert().values(
            at=at, actor=actor, action=action, from_version=from_version, to_version=to_version,
            detail=detail))


def _conflict(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return "database is locked" in str(getattr(error, "orig", error))
