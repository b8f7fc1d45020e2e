"""Reloads the line's servers refused, in the records database for the operators' console.

A server that cannot load the version published (a newer file an older server does not
understand, a text damaged in the database) keeps serving the last good one and says why in
/healthz. `RefusedReloads` also writes each refusal to `routes_refusals`, counted per Japan
day, server, version and reason, so the console's Today page shows it to the center's staff.

It is a listener of the line (`Line.on_refused`, wired in `ivr.app`): the refusal is queued and
written by a thread of its own, each wait bounded by the records' timeout, tried a few times
and then given up with a log line. Nothing of it is on a call's path.
"""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..core.hours import in_japan
from .background import BackgroundQueue
from .summary import utc
from .tables import routes_refusals

log = logging.getLogger("ivr.reload")
CAPACITY = 100  # refusals waiting to be written; they are rare (one per worker and version)
ATTEMPTS = 5
FIRST_PAUSE = 0.5  # seconds before the second attempt; doubled for each one after
OPERATORS_LOCALE = "ja"  # the console's language
THE_FILE = 0  # the version column for a refusal of the routes file itself
MAX_SERVER = 64
MAX_REASON = 8000


@dataclass(frozen=True)
class RefusedReload:
    """A reload refused on one Japan day by one server, for one version and reason."""

    day: str  # YYYY-MM-DD, Japan
    server: str
    version: int  # THE_FILE for the routes file
    reason: str  # as /healthz says it
    reason_ja: str  # in the operators' words
    count: int
    first_at: datetime  # aware, UTC
    last_at: datetime


def reason_texts(error: str, problems: Iterable) -> tuple[str, str]:
    """A refusal's reason as /healthz says it, and in the operators' language: each problem
    (`ivr.routesfile.reader.Problem`) said in Japanese, line by line; the English where the
    refusal has no problems."""
    said = "\n".join(problem.text(OPERATORS_LOCALE) for problem in problems)
    return error[:MAX_REASON], (said or error)[:MAX_REASON]


def count_refusal(connection: Connection, refused: RefusedReload) -> None:
    """Add one to the day's row for this server, version and reason (made if it is the first)."""
    table = routes_refusals
    digest = hashlib.sha256(refused.reason.encode("utf-8")).hexdigest()
    same = ((table.c.day == refused.day) & (table.c.server == refused.server)
            & (table.c.version == refused.version) & (table.c.reason_sha256 == digest))
    done = connection.execute(update(table).where(same).values(
        count=table.c.count + refused.count, last_at=utc(refused.last_at))).rowcount
    if not done:
        connection.execute(insert(table).values(
            day=refused.day, server=refused.server, version=refused.version, reason_sha256=digest,
            reason=refused.reason, reason_ja=refused.reason_ja, count=refused.count,
            first_at=utc(refused.first_at), last_at=utc(refused.last_at)))


def refusals_on(engine: Engine, day: date) -> list[RefusedReload]:
    """The reloads refused on a Japan day, the latest first."""
    table = routes_refusals
    with engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.day == day.isoformat())
                                  .order_by(table.c.last_at.desc(), table.c.id.desc())).mappings().all()
    return [RefusedReload(row["day"], row["server"], row["version"], row["reason"], row["reason_ja"],
                          row["count"], utc(row["first_at"]), utc(row["last_at"])) for row in rows]


class RefusedReloads(BackgroundQueue):
    """Writes the line's refused reloads to the records database, off the line's threads."""

    thread_name = "ivr-refused-reloads"
    log = log
    failed = "recording a refused reload failed"
    drain_at_exit = 2.0

    def __init__(self, url: str, timeout: float = 5.0, clock: Callable[[], datetime] | None = None,
                 server: str | None = None, capacity: int = CAPACITY):
        self.url = url
        self.timeout = timeout
        self.clock = clock or (lambda: datetime.now().astimezone())
        self.server = (server or socket.gethostname() or "unknown")[:MAX_SERVER]
        super().__init__(capacity)

    def _reset(self) -> None:
        super()._reset()
        self._engine: Engine | None = None
        self._migrated = False

    def heard(self, refusal, version: int | None) -> bool:
        """A refusal (`ivr.core.events.ReloadRefused`: its `error` and `problems`) of `version` (None:
        the routes file), queued to be written; False if the queue is full."""
        at = utc(self.clock())
        reason, reason_ja = reason_texts(refusal.error, getattr(refusal, "problems", ()))
        refused = RefusedReload(in_japan(at).date().isoformat(), self.server,
                                THE_FILE if version is None else version, reason, reason_ja, 1, at, at)
        if self._put(refused):
            return True
        log.error("routes: a refused reload of version %s is not recorded: %d are waiting already",
                  version, self.capacity)
        return False

    def _handle(self, batch: list[RefusedReload]) -> None:
        refused = batch[0]
        pause = FIRST_PAUSE
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self._write(refused)
                break
            except SQLAlchemyError as error:
                self._dispose()
                if attempt == ATTEMPTS or self._out_of_time():
                    log.error("routes: the refused reload of version %d could not be recorded "
                              "(%s); /healthz and the log still say it", refused.version,
                              str(getattr(error, "orig", None) or error).splitlines()[0][:300])
                    break
                self._pause(pause)
                pause *= 2
        with self._cond:
            self._pop(1)

    def _write(self, refused: RefusedReload) -> None:
        from . import database

        if self._engine is None:
            self._engine = database.make_engine(self.url, self.timeout, statement_timeout=self.timeout)
        if not self._migrated:
            try:
                database.upgrade(self._engine)
            except SQLAlchemyError:
                raise
            except Exception as error:  # noqa: BLE001 — a newer schema (an older server): write as it is
                log.warning("routes: the records schema could not be brought up to date (%s)", error)
            self._migrated = True
        with self._engine.begin() as connection:
            count_refusal(connection, refused)

    def _dispose(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    def _hand_over(self, left: list[RefusedReload]) -> None:
        if left:
            log.warning("routes: %d refused reloads were not recorded before exit; the log has them",
                        len(left))
        self._dispose()
