"""Writes call records off the call's path: a bounded queue drained by one thread per process."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from . import database
from .summary import CallEnd, StepRecord

log = logging.getLogger("ivr.records")
IDLE_SECONDS = 10.0
RETRY_PAUSES = (0.05, 0.25, 1.0)
DRAIN_AT_EXIT = 5.0

OnFailure = Callable[[str], None]


class RecordWriter:
    """Queues records and writes them in the background; a failing database never reaches a call."""

    def __init__(self, url: str, busy_timeout: float = 5.0, capacity: int = 10_000,
                 on_failure: OnFailure = lambda reason: None):
        self.url = url
        self.busy_timeout = busy_timeout
        self.capacity = capacity
        self.on_failure = on_failure
        self._guard = threading.Lock()
        self._pid = os.getpid()
        self._queue: queue.Queue = queue.Queue(capacity)
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None
        self._schema_ready = False
        self._exit_hook = False

    # -- the call's side: never blocks -------------------------------------------------

    def submit(self, item: StepRecord | CallEnd) -> bool:
        """Queue a record; False (logged and counted) if the queue is full."""
        try:
            with self._guard:
                self._ensure_thread()
                self._queue.put_nowait(item)
        except queue.Full:
            log.error("record queue full (%d): dropped a record for %s", self.capacity, item.call_sid)
            self.on_failure("queue_full")
            return False
        return True

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():
            # A forked worker: the parent's thread, queue and connections are not ours.
            self._pid = os.getpid()
            self._queue = queue.Queue(self.capacity)
            self._engine = None
            self._thread = None
        if not self._exit_hook:
            atexit.register(self.drain, DRAIN_AT_EXIT)
            self._exit_hook = True
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="ivr-records", daemon=True)
            self._thread.start()

    # -- the background side ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._guard:
                    if self._queue.empty():
                        self._thread = None
                        if self._engine is not None:
                            self._engine.dispose()  # idle: give the connections back
                        return
                continue
            try:
                self._write(item)
            finally:
                self._queue.task_done()

    def _write(self, item: StepRecord | CallEnd) -> None:
        for attempt, pause in enumerate((0.0,) + RETRY_PAUSES):
            time.sleep(pause)
            try:
                engine = self.engine()
                if not self._schema_ready:
                    database.upgrade(engine)
                    self._schema_ready = True
                if isinstance(item, CallEnd):
                    database.write_end(engine, item)
                else:
                    database.write_step(engine, item)
                return
            except Exception as error:  # the database's trouble must stay here
                last = error
                log.warning("record write for %s failed (attempt %d): %s",
                            item.call_sid, attempt + 1, _one_line(error))
        log.error("record for %s lost after %d attempts: %s", item.call_sid,
                  len(RETRY_PAUSES) + 1, _one_line(last))
        self.on_failure(type(last).__name__)

    def engine(self) -> Engine:
        """This process's engine, made on first use."""
        if self._engine is None:
            self._engine = database.make_engine(self.url, self.busy_timeout)
        return self._engine

    def drain(self, timeout: float = DRAIN_AT_EXIT) -> bool:
        """Wait until every queued record is written or given up; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


def _one_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]
