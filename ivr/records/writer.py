"""Writes call records off the call's path: a queue drained in batches by one thread per process.

The webhook only appends the record to the queue (and its line to the spool, see `spool.py`)
and answers. The thread writes up to BATCH records per transaction. While the database is in
trouble (down, locked, read-only, restarting) records wait in the queue and the thread tries
again, pausing longer each time (tenacity); they are written when it returns. A record is only
given up, logged with its call's id and counted, when the queue is full or the database refuses
that record itself. At exit the queue is written for up to DRAIN_AT_EXIT seconds, or at once handed over
when the database is in trouble: what is left stays in the spool for the next worker.

Records the spool could not take (its disk full) are held in memory only; the thread spools
them once it can. Another thread syncs the spool to disk at most SYNC_EVERY seconds after a
line is appended, off the call's path.

The queue, its thread, the fork and the exit are `background.BackgroundQueue`'s.
"""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from hashlib import sha256
from pathlib import Path

import tenacity
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from . import database
from .background import BackgroundQueue, Stopped
from .faults import DATABASE_FAULTS, database_fault
from .spool import Segment, Spool
from .summary import CallEnd, StepRecord

log = logging.getLogger("ivr.records")
BATCH = 500
CAPACITY = 50_000
IDLE_SECONDS = 10.0  # a thread with nothing to write for this long ends (and gives its connections back)
TICK = 1.0  # seconds between looks at the spool, the SQLite file and the gauges when idle
ORPHANS_EVERY = 2.0
FIRST_PAUSE, LONGEST_PAUSE = 0.05, 5.0
ROTATE_IDLE = 256  # a spool file holding this many records, all written, is replaced by a new one
SEGMENT_IDLE = 1.0  # seconds the queue stays empty before the spool file, all written, goes
SYNC_EVERY = 1.0  # seconds at most between a line appended to the spool and its fdatasync
RESPOOL_BATCH = 500  # records held in memory only, spooled at a time by the thread once it can be
RESPOOL_ON_CALL = 16  # … and by each record queued meanwhile, so they are on disk soon after
DRAIN_AT_EXIT = 5.0
SLOW_ATTEMPT = 1.0  # a write waiting this long at exit: the database is in trouble, hand over
LOG_EVERY = 10.0  # seconds between warnings while the database stays in trouble

OnFailure = Callable[[str], None]
Record = StepRecord | CallEnd


class SchemaNotReady(Exception):
    """The schema could not be brought up to date (the database is away, or ahead of this code)."""


@dataclass(slots=True)
class Queued:
    """A record in the queue: the spool file holding its line (None: held in memory only), and
    when it was queued (time.monotonic())."""

    record: Record
    segment: Segment | None
    queued_at: float


def new_record_id() -> str:
    return os.urandom(8).hex()


def default_spool(url: str) -> Path:
    """Beside a SQLite file (`records.sqlite3-spool/`); else one of the database's own in the temp directory."""
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + "-spool")
    digest = sha256(url.encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"ivr-records-spool-{digest}"


def _permanent(error: BaseException) -> bool:
    """The database refuses the record itself: trying again cannot help."""
    if isinstance(error, (exc.IntegrityError, exc.DataError)):
        return True
    return not isinstance(error, (exc.SQLAlchemyError, OSError, SchemaNotReady))


class RecordWriter(BackgroundQueue):
    """Queues records and writes them in the background; a failing database never reaches a call."""

    thread_name = "ivr-records"
    log = log
    failed = "record writer failed; trying again"
    drain_at_exit = DRAIN_AT_EXIT
    grace = 1.0  # for the transaction under way at the deadline

    def __init__(self, url: str, busy_timeout: float = 5.0, capacity: int = CAPACITY,
                 on_failure: OnFailure = lambda reason: None, spool: str | os.PathLike | None = "",
                 batch: int = BATCH, observe: Callable[[dict], None] | None = None,
                 on_retry: OnFailure = lambda reason: None):
        self.url = url
        self.busy_timeout = busy_timeout
        self.batch = batch
        self.on_failure = on_failure
        self.observe = observe
        self.on_retry = on_retry
        self.spool_dir = None if spool is None else Path(spool) if spool else default_spool(url)
        super().__init__(capacity)

    def _reset(self) -> None:
        super()._reset()
        self._spool = Spool(self.spool_dir) if self.spool_dir else None
        self._syncer: threading.Thread | None = None
        self._memory_only: deque[Queued] = deque()  # queued, the spool could not take them; in order
        self._engine: Engine | None = None
        self._schema_ready = False
        self._inode: tuple[int, int] | None = None
        self._attempt_started: float | None = None
        self._next_orphans = 0.0
        self._logged_at = 0.0
        self.written = 0
        self.lost = 0
        self.last_error: dict | None = None

    # -- the call's side: never blocks on the database ---------------------------------

    def submit(self, item: Record) -> bool:
        """Queue a record; False (logged with the call's id, and counted) if the queue is full."""
        if isinstance(item, StepRecord) and item.record_id is None:
            item = replace(item, record_id=new_record_id())
        with self._cond:
            self._ensure_thread()
            full = self._full()
            if not full:
                queued = Queued(item, None, time.monotonic())
                if self._spool is not None:
                    self._spool_new(queued)
                self._append(queued)
        if full:
            self._lose(item, "queue_full", f"the queue is full ({self.capacity} records)")
        return not full

    def _spool_new(self, queued: Queued) -> None:
        """(Under the lock.) The record's line in the spool, or the record held in memory only."""
        queued.segment = self._spool.append(queued.record)
        if queued.segment is None:
            self._memory_only.append(queued)
            self._spool.hold(len(self._memory_only))
            return
        if self._memory_only:
            self._respool(RESPOOL_ON_CALL)
        self._sync_soon()

    def _respool(self, most: int) -> None:
        """(Under the lock.) Spool up to `most` records held in memory only, oldest first, if the
        spool can be written again."""
        if not self._memory_only or self._spool is None:
            return
        done = 0
        while self._memory_only and done < most:
            queued = self._memory_only[0]
            queued.segment = self._spool.append(queued.record)
            if queued.segment is None:
                break
            self._memory_only.popleft()
            done += 1
        if done:
            self._spool.hold(len(self._memory_only))
            self._sync_soon()

    def _sync_soon(self) -> None:
        """(Under the lock.) A thread that syncs the spool to disk while lines are appended."""
        if self._syncer is not None:
            return
        syncer = threading.Thread(target=self._sync_spool, name="ivr-records-sync", daemon=True)
        try:
            syncer.start()
        except RuntimeError:  # the interpreter is stopping: close() syncs what is left
            return
        self._syncer = syncer

    def _sync_spool(self) -> None:
        """fdatasync the lines appended in the last SYNC_EVERY seconds; end when none were."""
        while True:
            time.sleep(SYNC_EVERY)
            with self._cond:
                if self._spool is None:
                    return
                dirty, new_files = self._spool.take_dirty()
                if not dirty and not new_files:
                    self._syncer = None
                    return
                spool = self._spool
            spool.sync(dirty, new_files)  # outside the lock: a slow disk never holds up a call

    # -- the background side ------------------------------------------------------------

    def _tick(self) -> float:
        return TICK

    def _next(self, idle: float) -> list[Queued] | None:
        if not self._items and idle >= SEGMENT_IDLE:
            self._finish_current()
        if not self._items and idle >= IDLE_SECONDS and self._give_up_at is None:
            self._thread = None  # idle: give the connections back; a record starts anew
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            self.update_gauges()
            return None
        return list(itertools.islice(self._items, self.batch))

    def _handle(self, batch: list[Queued]) -> None:
        now = time.monotonic()
        if self._spool is not None and now >= self._next_orphans and not self._stopping:
            self._next_orphans = now + ORPHANS_EVERY
            self._adopt_orphans()
        self.update_gauges()
        with self._cond:
            self._respool(RESPOOL_BATCH)
        if batch:
            self._write(batch)

    def _finish_current(self) -> None:
        """(Under the lock, the queue empty.) The spool file, all written, goes: no caller's
        hash stays on disk longer than needed, and an empty spool means nothing is queued."""
        current = self._spool.current if self._spool is not None else None
        if current is not None and current.count and not self._memory_only:
            self._spool.close_current()
            current.finish_if_written()

    def _adopt_orphans(self) -> None:
        room = self.capacity - len(self._items)
        if room <= 0:
            return
        claimed, losses = self._spool.claim_orphans(room)
        for loss in losses:
            self._count_loss(loss.reason, loss.message, loss.count)
        for segment, records in claimed:
            log.warning("replaying %d queued records left in %s by a worker that is gone",
                        len(records), segment.path.name)
            now = time.monotonic()
            with self._cond:
                self._items.extend(Queued(record, segment, now) for record in records)
            segment.finish_if_written()  # nothing in it

    def _write(self, batch: list[Queued]) -> None:
        if self._refused([queued.record for queued in batch]) is None:
            self._done(len(batch))
            return
        for queued in batch:  # the database refused the batch: each record alone, give up those refused
            error = self._refused([queued.record])
            if error is not None:
                self._lose(queued.record, type(error).__name__, _one_line(error))
            self._done(1)

    def _refused(self, records: list[Record]) -> Exception | None:
        """Write `records`, trying again while the database is in trouble; its error if it refuses them."""
        try:
            self.written += self._retrying(lambda: self._store(records))
        except Stopped:
            raise
        except Exception as error:
            if not _permanent(error):
                raise
            return error
        return None

    def _done(self, count: int) -> None:
        """The first `count` queued records are written (or given up)."""
        with self._cond:  # until the files are done with, drain() sees them queued
            finished = self._pop(count)
            segments = {id(q.segment): q.segment for q in finished if q.segment is not None}
            for queued in finished:
                if queued.segment is not None:
                    queued.segment.written += 1
            if self._memory_only:  # written from memory: they are the first held there
                for _ in range(sum(q.segment is None for q in finished)):
                    self._memory_only.popleft()
                self._spool.hold(len(self._memory_only))
            empty = not self._items
            current = self._spool.current if self._spool is not None else None
            if empty and current is not None and current.count >= ROTATE_IDLE:
                self._spool.close_current()  # everything in it is written: its file goes
                segments[id(current)] = current
            for segment in segments.values():
                segment.finish_if_written()
        if empty:
            self.update_gauges()

    def _store(self, records: list[Record]) -> int:
        self._attempt_started = time.monotonic()
        try:
            engine = self.engine()
            self._check_file()
            if not self._schema_ready:
                try:
                    database.upgrade(engine)
                except exc.SQLAlchemyError:
                    raise
                except Exception as error:  # alembic's own: e.g. a revision newer than this code
                    raise SchemaNotReady(f"{type(error).__name__}: {_one_line(error)}") from error
                self._schema_ready = True
            written = database.write_batch(engine, records)
        finally:
            self._attempt_started = None
        if self._inode is None:
            self._inode = self._file_identity()
        if self.last_error is not None and self.last_error.get("recovered_at") is None:
            self.last_error["recovered_at"] = _now()
            log.warning("records are written again after: %s", self.last_error["error"])
        return written

    def _retrying(self, attempt: Callable[[], int]) -> int:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda e: not _permanent(e)),
            wait=tenacity.wait_exponential_jitter(multiplier=FIRST_PAUSE, max=LONGEST_PAUSE,
                                                  jitter=FIRST_PAUSE),
            stop=lambda retry_state: self._out_of_time(), sleep=self._pause,
            before_sleep=self._failed_attempt, reraise=True)
        try:
            return retrying(attempt)
        except Exception as error:
            if self._out_of_time() and not _permanent(error):
                raise Stopped() from error
            raise

    def _pause(self, seconds: float) -> None:
        self.update_gauges()
        with self._cond:
            self._respool(RESPOOL_BATCH)
        super()._pause(seconds)
        self.update_gauges()

    def _failed_attempt(self, retry_state) -> None:
        error = retry_state.outcome.exception()
        first = self.last_error is None or self.last_error.get("recovered_at") is not None
        kind = "schema" if isinstance(error, SchemaNotReady) else database_fault(error)
        # The kind is what /healthz shows; the error itself (host, port, path) only goes to the log.
        self.last_error = {"at": _now(), "error": DATABASE_FAULTS[kind], "kind": kind, "recovered_at": None}
        self._schema_ready = False
        self.on_retry(type(error).__name__)
        if first or time.monotonic() - self._logged_at >= LOG_EVERY:
            self._logged_at = time.monotonic()
            log.warning("records database in trouble, %d records wait (oldest %.1f s): %s: %s",
                        len(self._items), self._oldest(), type(error).__name__, _one_line(error))

    def _file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the SQLite file at the engine's path; None if it is not there."""
        return None if self._engine is None else database.sqlite_file(self._engine)

    def _check_file(self) -> None:
        """A SQLite file deleted or replaced under us: say so, and open the one now at its path."""
        if self._inode is None:
            return
        now = self._file_identity()
        if now == self._inode:
            return
        log.error("records database %s was %s while in use: records written to it before are "
                  "gone with it; writing to a new file at that path", self._engine.url.database,
                  "deleted" if now is None else "replaced")
        self.on_failure("database_deleted")
        self._engine.dispose()
        self._engine = None
        self._schema_ready = False
        self._inode = None
        self.engine()

    def engine(self) -> Engine:
        """This process's engine, made on first use."""
        if self._engine is None:
            self._engine = database.make_engine(self.url, self.busy_timeout)
        return self._engine

    def _count_loss(self, reason: str, message: str, count: int = 1) -> None:
        self.lost += count
        log.error("%s", message)
        for _ in range(count):
            self.on_failure(reason)

    def _lose(self, item: Record, reason: str, why: str) -> None:
        self._count_loss(reason, f"record for {item.call_sid} lost ({reason}): {why}")

    # -- state, shutdown ------------------------------------------------------------------

    def _oldest(self) -> float:
        try:
            return max(0.0, time.monotonic() - self._items[0].queued_at) if self._items else 0.0
        except IndexError:
            return 0.0

    def state(self) -> dict:
        """Queue depth, the oldest queued record's age, totals, the last write error (its kind, not
        its text), whether records are spooled and what kind of fault the spool had, if any."""
        return {"queued": len(self._items), "oldest_queued_seconds": round(self._oldest(), 3),
                "written": self.written, "lost": self.lost, "last_write_error": self.last_error,
                "spool": self.spool_dir is not None,
                "spool_error": self._spool.error if self._spool else None}

    def update_gauges(self) -> None:
        """Give the queue's state to the gauges (`observe`)."""
        if self.observe is not None:
            try:
                self.observe(self.state())
            except Exception:
                log.exception("record gauges failed")

    def _in_trouble(self) -> bool:
        """The last write failed, or the one under way has waited on the database for a while."""
        started = self._attempt_started
        return (self.last_error is not None and self.last_error.get("recovered_at") is None) or (
            started is not None and time.monotonic() - started > SLOW_ATTEMPT)

    # close(timeout=DRAIN_AT_EXIT): write what is queued for up to `timeout` s, hand the rest over.

    def _hand_over_now(self) -> bool:
        """The database is away, and every record left is spooled: the next worker writes them."""
        return self._in_trouble() and all(q.segment is not None for q in list(self._items))

    def _join_by(self, until: float) -> float:
        return min(until, time.monotonic() + 0.2) if self._in_trouble() else until

    def _take_left(self) -> list[Queued]:
        with self._cond:
            self._memory_only.clear()  # counted as lost below
            return super()._take_left()

    def _hand_over(self, left: list[Queued]) -> None:
        """Records spooled stay, synced, for the next worker; the others are counted as lost.

        Whatever the thread was doing — writing, waiting on the database, or ended for lack of
        work — the spool files this process made go once their records are written, so a clean
        stop leaves none behind (nor the callers' hashes in them).
        """
        self.update_gauges()
        spooled = list({id(q.segment): q.segment for q in left if q.segment is not None}.values())
        if spooled:
            log.warning("%d records not yet written at exit are left in the spool %s for the "
                        "next worker", sum(q.segment is not None for q in left), self.spool_dir)
        for queued in left:
            if queued.segment is None:
                self._lose(queued.record, "exit", "not written before the worker stopped, and not spooled")
        if self._spool is not None:
            self._spool.close(spooled)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _one_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]
