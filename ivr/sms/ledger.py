"""The count of text messages against the limits: in the records database, shared by every
worker and replica (`DatabaseLedger`), or in this process only (`MemoryLedger`, the terminal
phone's). The table is the records database's (`records/tables.py`, made by its migrations);
its SQL is here, beside the texter that uses it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..records import database as store
from ..records.background import PerProcess
from ..records.summary import utc
from ..records.tables import text_messages

log = logging.getLogger("ivr.sms")
PER_CALL = 2
PER_CALLER = 3
PER_DAY = 500
COUNT_TIMEOUT = 2.0  # seconds the webhook waits, at most, for the database to count a message
FINISH_TIMEOUT = 10.0  # seconds the sender waits, at most, to note how a message ended
SLOTS = 4  # messages a worker counts at once: as many as its engine has connections
BROKEN_TRIES = 3  # tries of a count whose connections SQLAlchemy found broken and replaced
TEXT_LOCK = 0x1F0_2027  # PostgreSQL advisory lock held while a text message is counted
TEXT_WAIT = 2.0  # seconds a text message's count waits at most, when no deadline is given

Counted = Callable[[str], None]


@dataclass(frozen=True)
class Limits:
    """At most this many messages a call, a caller a day, and the whole line a day."""

    per_call: int = PER_CALL
    per_caller: int = PER_CALLER
    per_day: int = PER_DAY


class MemoryLedger:
    """Counts messages in this process only: for the terminal phone, never for a served line."""

    def __init__(self):
        self._rows: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def reserve(self, call_sid: str, hashed: str, day: str, at: datetime, desk: str,
                limits: Limits) -> int | str:
        with self._lock:
            if sum(r[0] == call_sid for r in self._rows) >= limits.per_call:
                return "call"
            if sum(r[1] == hashed and r[2] == day for r in self._rows) >= limits.per_caller:
                return "caller"
            if sum(r[2] == day for r in self._rows) >= limits.per_day:
                return "line"
            self._rows.append((call_sid, hashed, day))
            return len(self._rows)

    def finish(self, ident: int, status: str, error: str | None = None,
               message_sid: str | None = None) -> None:
        pass


@dataclass(frozen=True)
class Reservation:
    """A message counted in the database: its row, and the SQLite file it was counted in."""

    id: int
    file: tuple[int, int] | None  # (device, inode); None for PostgreSQL
    row: dict  # call_sid, caller_hash, day, at, desk: to count it again in a new file

    def __str__(self) -> str:
        return str(self.id)


class _Attempt:
    """Work on the database done on a thread of its own, which the thread waiting may give up on."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.abandoned = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._result = None
        self._error: BaseException | None = None

    def wanted(self) -> bool:
        """Asked by the work just before it commits: False once the waiting thread has given up."""
        return not self.abandoned

    def deliver(self, result=None, error: BaseException | None = None) -> bool:
        """Hand the outcome over; False if the waiting thread has given up (the outcome is late)."""
        with self._lock:
            if self.abandoned:
                return False
            self._result, self._error = result, error
            self._done.set()
            return True

    def wait(self, what: str):
        """The work's result, or TimeoutError at the deadline (the work is then abandoned)."""
        if not self._done.wait(max(0.0, self.deadline - time.monotonic())):
            with self._lock:
                if not self._done.is_set():
                    self.abandoned = True
                    raise TimeoutError(f"the database did not {what} within {self.seconds:g} s")
        if self._error is not None:
            raise self._error
        return self._result


class DatabaseLedger(PerProcess):
    """Counts messages in the records database, so every worker and replica shares the limits.

    A count runs on a thread of its own (at most SLOTS at once, each with its connection), and
    the webhook waits for it `timeout` seconds at most, whatever the database does: its waits
    for a connection, a lock and each statement are bounded by the same deadline, and a server
    that stopped answering (a stopped process still has its socket acknowledged by its kernel,
    so no socket option notices) is left behind. A count that comes too late is rolled back,
    or noted as `dropped` if it was committed meanwhile. A SQLite file deleted or replaced is
    noticed before each use, logged and counted (`database_deleted`), and a new file is used.
    """

    def __init__(self, url: str, timeout: float = COUNT_TIMEOUT,
                 on_failure: Counted = lambda reason: None):
        self.url = url
        self.timeout = timeout
        self.on_failure = on_failure
        super().__init__()
        store.prepare(url)  # a worker's first count then has 2 s for the database alone

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._engine = None
        self._ready = False
        self._file: tuple[int, int] | None = None
        self._slots = threading.BoundedSemaphore(SLOTS)

    def engine(self):
        return self._current()[0]

    def _current(self):
        """The engine, schema in place, and the SQLite file it writes to."""
        with self._lock:
            if self._engine is None:
                self._engine = self._make_engine()
            if self._ready and (now := store.sqlite_file(self._engine)) != self._file:
                self._moved(now)
            if not self._ready:
                store.upgrade(self._engine)
                self._ready = True
                self._file = store.sqlite_file(self._engine)
            return self._engine, self._file

    def _make_engine(self) -> Engine:
        return store.make_engine(self.url, self.timeout, statement_timeout=self.timeout)

    def _moved(self, now: tuple[int, int] | None) -> None:
        log.error("text messages' database %s was %s while in use: the messages counted in it "
                  "before are gone with it; counting in a new file at that path",
                  self._engine.url.database, "deleted" if now is None else "replaced")
        self.on_failure("database_deleted")
        self._engine.dispose()
        self._engine = self._make_engine()
        self._ready = False

    def _within(self, seconds: float, what: str, work: Callable, late: Callable = lambda result: None):
        """`work(attempt)` on a thread of its own; its result, or TimeoutError after `seconds`."""
        slots = self._slots
        attempt = _Attempt(seconds)
        if not slots.acquire(timeout=seconds):
            raise TimeoutError(f"the database did not {what} within {seconds:g} s "
                               "(every connection was busy)")

        def run() -> None:
            try:
                result = _replacing_broken(work, attempt)
            except BaseException as error:  # noqa: BLE001 — handed to the waiting thread
                attempt.deliver(error=error)
            else:
                if not attempt.deliver(result):
                    late(result)
            finally:
                slots.release()

        threading.Thread(target=run, name="ivr-sms-count", daemon=True).start()
        return attempt.wait(what)

    def reserve(self, call_sid: str, hashed: str, day: str, at: datetime, desk: str,
                limits: Limits) -> Reservation | str:
        def count(attempt: _Attempt) -> Reservation | str:
            engine, file = self._current()
            counted = reserve_text(engine, call_sid, hashed, day, at, desk, limits,
                                   attempt.deadline, attempt.wanted)
            if isinstance(counted, str):
                return counted
            return Reservation(counted, file, {"call_sid": call_sid, "caller_hash": hashed,
                                               "day": day, "at": at, "desk": desk})

        return self._within(self.timeout, "count the message", count, self._counted_late)

    def _counted_late(self, counted) -> None:
        """A count committed after the caller heard that the message cannot be sent."""
        if isinstance(counted, Reservation):
            log.warning("text message for desk %s was counted after its caller was answered "
                        "(the database was slow): noted as dropped, never sent", counted.row["desk"])
            try:
                self.finish(counted, "dropped", "late")
            except Exception as error:
                log.error("text message %s: its status (dropped) was not stored: %s",
                          counted, _one_line(error))
                self.on_failure("text_message")

    def finish(self, counted: Reservation, status: str, error: str | None = None,
               message_sid: str | None = None) -> None:
        def note(attempt: _Attempt) -> None:
            engine, file = self._current()
            same = counted.file == file  # else its row went with the file it was counted in
            if not finish_text(engine, counted.id if same else None, status, error,
                               message_sid, counted.row, attempt.deadline, attempt.wanted):
                log.warning("text message for desk %s was counted in a database file deleted or "
                            "replaced since: counted again in the new one, as %s",
                            counted.row["desk"], status)

        self._within(FINISH_TIMEOUT, "note how the message ended", note)


def _replacing_broken(work: Callable, attempt: _Attempt):
    """`work(attempt)`, again while a connection SQLAlchemy found broken, and threw away, is the
    cause (a SQLite connection opened while the file was read-only) and time is left."""
    for tries in range(1, BROKEN_TRIES + 1):
        try:
            return work(attempt)
        except DBAPIError as error:
            if (not error.connection_invalidated or tries == BROKEN_TRIES
                    or time.monotonic() >= attempt.deadline):
                raise


# -- the SQL -------------------------------------------------------------------------------------

class TooLate(Exception):
    """Whoever waited for the work gave up before it was done: it is rolled back, not kept."""


def reserve_text(engine: Engine, call_sid: str, caller_hash: str, day: str, at: datetime,
                 desk: str, limits: Limits, deadline: float | None = None,
                 wanted: Callable[[], bool] = lambda: True) -> int | str:
    """Count a text message against the limits; its row id, or the limit it would break.

    The limits are per call, per caller (keyed hash) per Japan day, and for the whole line
    per day. Checking and counting happen in one transaction that holds a lock (SQLite's
    write lock, a PostgreSQL advisory lock), so workers and replicas never both take the last.
    The waits for the lock and for each statement end by `deadline` (time.monotonic(); default
    TEXT_WAIT from now); `wanted()` is asked just before the commit, and a False rolls the
    count back (TooLate).
    """
    with _bounded(engine, deadline) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TEXT_LOCK})

        def count(*where) -> int:
            return connection.execute(
                select(func.count()).select_from(text_messages).where(*where)).scalar_one()

        if count(text_messages.c.call_sid == call_sid) >= limits.per_call:
            return "call"
        if count(text_messages.c.day == day, text_messages.c.caller_hash == caller_hash) >= limits.per_caller:
            return "caller"
        if count(text_messages.c.day == day) >= limits.per_day:
            return "line"
        ident = connection.execute(text_messages.insert().values(
            call_sid=call_sid, caller_hash=caller_hash, day=day, at=utc(at), desk=desk,
            status="queued")).inserted_primary_key[0]
        if not wanted():
            raise TooLate("the caller was answered before the message was counted")
        return ident


def finish_text(engine: Engine, ident: int | None, status: str, error: str | None = None,
                message_sid: str | None = None, counted: dict | None = None,
                deadline: float | None = None, wanted: Callable[[], bool] = lambda: True) -> bool:
    """Note how a counted text message ended: sent, or why not. False if its row was not there.

    With `counted` (the row's call_sid, caller_hash, day, at and desk), a row that is not there
    (`ident` None, or no row with that id: its SQLite file was deleted or replaced since) is
    written again with the status, so that the message still counts against the limits.
    """
    with _bounded(engine, deadline) as connection:
        values = {"status": status, "error": error, "message_sid": message_sid}
        found = ident is not None and connection.execute(
            update(text_messages).where(text_messages.c.id == ident).values(values)).rowcount > 0
        if not found and counted is not None:
            connection.execute(text_messages.insert().values({**counted, "at": utc(counted["at"])} | values))
        if not wanted():
            raise TooLate("the status came after its writer gave up waiting")
    return found


@contextlib.contextmanager
def _bounded(engine: Engine, deadline: float | None) -> Iterator[Connection]:
    """A transaction whose waits for locks end by `deadline` (default TEXT_WAIT from now)."""
    deadline = time.monotonic() + TEXT_WAIT if deadline is None else deadline
    with engine.connect() as connection:
        if connection.dialect.name != "postgresql":  # SQLite waits for its write lock as it begins
            _bound_waits(connection, deadline)
        with connection.begin():
            if connection.dialect.name == "postgresql":  # inside the transaction: SET LOCAL
                _bound_waits(connection, deadline)
            yield connection


def _bound_waits(connection: Connection, deadline: float) -> None:
    """Bound the waits for locks of the transaction about to begin on `connection` by `deadline`."""
    left = max(1, int((deadline - time.monotonic()) * 1000))  # milliseconds
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL lock_timeout = {left}"))
        connection.execute(text(f"SET LOCAL statement_timeout = {left}"))
    else:
        connection.connection.driver_connection.execute(f"PRAGMA busy_timeout = {left}")


def _one_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]
