"""Routes versions from the records database: publishing checked text (the `ivr routes` commands,
the operators' console), and the source every worker of every server serves from.

Where the line keeps call records, the version published in their database is what callers
hear. Each worker looks up the published version's number once a second, in a thread of its
own (never on a caller's request, and bounded by short connection and statement timeouts),
and loads and checks the text only when the number changes. While the database cannot be read,
or a version fails to load here (a newer file refused by an older server), the worker keeps
serving the last good version and says so in /healthz.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..core.flow import CallFlow
from ..core.notices import notice
from ..records.faults import DATABASE_FAULTS, database_fault
from ..records.versions import Version, VersionStore, version_file
from ..routesfile.loader import RoutesError
from ..routesfile.flows import offline_flow_of

if TYPE_CHECKING:
    from .served import Line

log = logging.getLogger("ivr.reload")
POLL_EVERY = 1.0  # seconds between looks at the published version's number, per worker
POLL_TIMEOUT = 2.0  # seconds a look may wait for a connection or a statement
FIRST_AUTHOR = "file"  # the author of version 1, made from IVR_ROUTES on an empty database


def publish_checked(store: VersionStore, text: str, *, author: str, message: str,
                    file: str = "routes.yaml") -> Version:
    """Check `text` exactly as `ivr check` does, then store it as a new version and publish it.

    Raises RoutesError (its `problems` with line and key path, named `file`) when the server
    would refuse the text: nothing is stored then but the refusal, in the audit trail.
    """
    try:
        offline_flow_of(text, file)
    except RoutesError as error:
        store.refused(text, author=author, message=message, reason=str(error))
        raise
    return store.publish(text, author=author, message=message)


@dataclass(frozen=True)
class Trouble:
    """The database could not be read: since when (the last failure), and why."""

    at: datetime
    error: str


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]


def poll_engine(url: str, timeout: float = POLL_TIMEOUT) -> Engine:
    """An engine for the once-a-second look, every wait bounded by `timeout`.

    One kept connection, read in autocommit (no transaction is held between looks). SQLite: the
    file is opened read-write but never created (a file moved away is trouble, not a new empty
    database), without the write lock the records' engine takes. PostgreSQL: a connect timeout,
    a statement timeout and TCP keepalives (unless the URL sets its own), so a database that
    stops answering is noticed.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = os.path.abspath(parsed.database or "")

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=timeout,
                                   check_same_thread=False)

        return create_engine(f"sqlite:///{path}", creator=connect, pool_size=1, max_overflow=0,
                             pool_timeout=timeout)
    seconds = max(1, round(timeout))
    wanted = {"connect_timeout": seconds, "keepalives": 1, "keepalives_idle": 5,
              "keepalives_interval": 2, "keepalives_count": 2, "tcp_user_timeout": seconds * 1000}
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=timeout,
                           isolation_level="AUTOCOMMIT",
                           connect_args={k: v for k, v in wanted.items() if k not in parsed.query})

    @event.listens_for(engine, "connect")
    def _timeouts(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute(f"SET statement_timeout = {int(timeout * 1000)}")
        cursor.close()

    return engine


class PublishedRoutes:
    """The published routes version for one server's line, looked up by each worker."""

    def __init__(self, url: str, start_timeout: float = 5.0, every: float = POLL_EVERY,
                 timeout: float = POLL_TIMEOUT):
        self.url = url
        self.start_timeout = start_timeout
        self.every = every
        self.timeout = timeout
        self.seen: int | None = None  # the published number the database gave last
        self.checked_at: datetime | None = None  # when the database last answered
        self.trouble: Trouble | None = None  # the database could not be read, the latest time
        self._refused: int | None = None  # a version that failed to load here: not tried again
        self._schema_ready = False
        self._engine: Engine | None = None
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._polling = threading.Lock()  # one look at a time
        self._busy: set = set()  # the look's connections in use, to cut if it waits too long
        self._cut_after = 0.0  # seconds a look waited before its connection was cut
        self._look_started = 0.0  # when the look now waiting on the database began (monotonic)
        parsed = make_url(url)
        self._sqlite = (os.path.abspath(parsed.database or "")
                        if parsed.get_backend_name() == "sqlite" else None)
        self._file: tuple[int, int] | None = None  # the SQLite file the kept connection reads

    # -- at start, in the process that builds the app ----------------------------------------

    def first(self, line: Line) -> tuple[int | None, str, CallFlow, Exception | None]:
        """What a starting server serves: (version number or None for the file, text, flow,
        the error that refused the published version or None).

        The published version; on an empty database, the IVR_ROUTES file, which becomes
        version 1; the file while the database cannot be read or its version cannot be
        loaded here. A broken file is a RoutesError only when the file is what would be served.
        """
        from ..records.database import make_engine

        engine = make_engine(self.url, self.start_timeout)
        try:
            store = VersionStore(engine)
            _upgrade(engine)
            self._schema_ready = True
            version = store.published()
            if version is None:
                text = line.read_file()
                flow = line.load(text)
                version = store.publish_first(text, author=FIRST_AUTHOR, message=_first_message(line))
                if version.text == text:
                    log.info("routes: %s published as version %d (digest %s), the first in the "
                             "database", line.path, version.number, version.digest)
                    self._answered(version.number)
                    return version.number, text, flow, None
            self._answered(version.number)
        except SQLAlchemyError as error:
            self._troubled(error)
            log.error("routes: the records database cannot be read (%s); serving %s until it can",
                      self.trouble.error, line.path)
            text = line.read_file()
            return None, text, line.load(text), None
        finally:
            engine.dispose()
        if version.intact():
            try:
                flow = line.load(version.text, version_file(version.number))
            except Exception as error:  # noqa: BLE001 — this server cannot serve it: the file instead
                refused = error
            else:
                self._warn_if_file_differs(line, version)
                return version.number, version.text, flow, None
        else:
            refused = _damaged(version)
        self._refused = version.number
        text = line.read_file()
        return None, text, line.load(text), refused

    @staticmethod
    def _warn_if_file_differs(line: Line, version: Version) -> None:
        try:
            text = line.read_file()
        except RoutesError:
            return
        if text != version.text:
            log.warning("routes: %s differs from version %d published in the records database, "
                        "which is served; to serve the file, publish it: ivr routes publish %s "
                        "--message …", line.path, version.number, line.path)

    # -- in each worker ------------------------------------------------------------------------

    def watch(self, line: Line) -> None:
        """Make sure this process looks at the database once a second (cheap when it does)."""
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        if self._pid != os.getpid():  # a forked worker: nothing of the parent's is ours
            self._pid, self._engine, self._thread, self._busy = os.getpid(), None, None, set()
            self._stop, self._polling = threading.Event(), threading.Lock()
        self._thread = threading.Thread(target=_poll_forever, args=(self, weakref.ref(line), self._stop),
                                        name="ivr-routes-versions", daemon=True)
        self._thread.start()
        if self._sqlite is None:  # SQLite's waits are bounded by its busy timeout
            threading.Thread(target=_watch_looks, args=(self, self._stop), daemon=True,
                             name="ivr-routes-versions-watchdog").start()

    def stop(self) -> None:
        """Stop looking (the app is closed)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self._dispose()

    def poll(self, line: Line) -> None:
        """One look: the published number; load and serve that version if it changed."""
        with self._polling:
            self._poll(line)

    def _poll(self, line: Line) -> None:
        try:
            if not self._schema_ready:
                self._migrate()
            store = VersionStore(self._poll_engine())
            with self._bounded():
                number = store.published_number()
            if number is None:
                number = self._publish_file(line)
            self._answered(number)
            if number is None or number == line.number or number == self._refused:
                return
            with self._bounded():
                version = store.get(number)
        except SQLAlchemyError as error:
            self._troubled(error)
            self._dispose()
            return
        if version is None:
            return
        if not version.intact():
            line.refuse(_damaged(version))
            self._refused = number
        elif line.serve_version(number, version.text):
            self._refused = None
        else:
            self._refused = number

    def _publish_file(self, line: Line) -> int | None:
        """No version is published (a new, empty database): the file this server serves becomes
        version 1 if it serves the file; a server serving a version keeps it, and says so."""
        if line.number is not None:
            if self.seen is not None:
                log.error("routes: the records database has no published version; still serving "
                          "version %d", line.number)
            return None
        from ..records.database import make_engine

        engine = make_engine(self.url, self.start_timeout)
        try:
            version = VersionStore(engine).publish_first(line.text, author=FIRST_AUTHOR,
                                                         message=_first_message(line))
        finally:
            engine.dispose()
        return version.number

    def _migrate(self) -> None:
        """Bring the schema up to date once the database answers (after trouble at start, or
        when its tables are gone)."""
        from ..records.database import make_engine

        engine = make_engine(self.url, self.start_timeout)
        try:
            _upgrade(engine)
        finally:
            engine.dispose()
        self._schema_ready = True

    def _poll_engine(self) -> Engine:
        if self._sqlite is not None:
            found = _file_id(self._sqlite)
            if found != self._file:  # moved away, or replaced (restored from a backup)
                self._dispose()
                self._file = found
        if self._engine is None:
            engine = poll_engine(self.url, self.timeout)
            busy = self._busy = set()
            event.listen(engine, "checkout", lambda dbapi, _record, _proxy: busy.add(dbapi))
            event.listen(engine, "checkin", lambda dbapi, _record: busy.discard(dbapi))
            self._engine = engine
        return self._engine

    @contextmanager
    def _bounded(self) -> Iterator[None]:
        """Note when a look waits on the database, for the watchdog (`_watch_looks`)."""
        self._look_started = time.monotonic()
        try:
            yield
        finally:
            self._look_started = 0.0

    def _overdue(self) -> bool:
        started = self._look_started
        return bool(started) and time.monotonic() - started > self.timeout + 1.0

    def _cut(self) -> None:
        """Cut the connections of a look that waits well past the timeout, so that it ends in an
        error like any other trouble: a database (or a proxy before it) that takes the query
        but never answers, which neither the statement timeout nor TCP notices."""
        self._look_started = 0.0
        for dbapi in list(self._busy):
            try:
                fd = dbapi.pgconn.socket  # psycopg's connection; SQLite has no socket to wait on
                with socket.socket(fileno=os.dup(fd)) as cut:
                    cut.shutdown(socket.SHUT_RDWR)
            except Exception:  # noqa: BLE001 — already closed, or not a socket
                continue
            self._cut_after = self.timeout + 1.0

    def _dispose(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    def _answered(self, number: int | None) -> None:
        if self.trouble is not None:
            log.warning("routes: the records database answers again (published version %s)", number)
        self.seen = number
        self.checked_at = datetime.now(timezone.utc)
        self.trouble = None

    @staticmethod
    def _cut_after_said(first: str) -> bool:
        return first.startswith("no answer within ")

    def _troubled(self, error: BaseException) -> None:
        first = _first_line(error)
        if self._cut_after:
            first, self._cut_after = f"no answer within {self._cut_after:g} s; connection cut", 0.0
        if self.trouble is None:
            log.error("routes: the records database cannot be read (%s); still serving the last "
                      "good version", first)
        # /healthz says what kind of trouble it is, never the host, port or path: the log has those.
        kind = "timeout" if self._cut_after_said(first) else database_fault(error)
        self.trouble = Trouble(datetime.now(timezone.utc), DATABASE_FAULTS.get(kind, DATABASE_FAULTS["refused"]))
        if "no such table" in first or "does not exist" in first:
            self._schema_ready = False  # a new database at the same place: migrate it first

    def health(self) -> dict:
        """What /healthz shows of the database: the version published there, when it last
        answered, and why it did not the last time it did not."""
        trouble = self.trouble
        return {
            "version": self.seen,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "error": None if trouble is None else {"at": trouble.at.isoformat(), "error": trouble.error},
        }


def _upgrade(engine: Engine) -> None:
    """Migrate the records schema; a database newer than this server (an older server during a
    rolling update) cannot be, and its versions are read as they are."""
    from ..records.database import upgrade

    try:
        upgrade(engine)
    except SQLAlchemyError:
        raise
    except Exception as error:  # noqa: BLE001 — e.g. alembic meets a revision it does not know
        log.warning("routes: the records schema could not be brought up to date here (%s); "
                    "reading the versions as they are", _first_line(error))


def _first_message(line: Line) -> str:
    return f"{line.path.name} at the first start on an empty database (IVR_ROUTES)"


def _damaged(version: Version) -> RoutesError:
    from ..routesfile.reader import Problem

    # TRANSLATORS: a version's text in the records database was changed after it was published
    # (its SHA-256 digest no longer matches), so no server serves it.
    return RoutesError([Problem(version_file(version.number), 1, (), notice(
        "the text in the database does not match its digest %(digest)s", digest=version.digest))])


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _watch_looks(published: PublishedRoutes, stop: threading.Event) -> None:
    """Beside the looking thread: cut a look that waits on the database well past its timeout."""
    while not stop.wait(published.timeout / 2):
        if published._overdue():
            published._cut()


def _poll_forever(published: PublishedRoutes, line_ref: weakref.ref, stop: threading.Event) -> None:
    """The worker's thread: a look at the database every `every` seconds, until the line is gone."""
    while not stop.is_set():
        started = time.monotonic()
        line = line_ref()
        if line is None:
            break
        try:
            published.poll(line)
        except Exception:  # noqa: BLE001 — the thread goes on; the line keeps serving what it has
            log.exception("routes: looking up the published version failed")
        del line
        stop.wait(max(0.05, published.every - (time.monotonic() - started)))
    stop.set()  # the watchdog goes too
    published._dispose()
