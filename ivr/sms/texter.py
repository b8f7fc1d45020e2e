"""Taking a caller's request for a text message: the limits against SMS pumping, then a background sender.

The webhook only counts the message against the limits (in the records database, shared by
every worker and replica) and puts it on a bounded queue; one thread per worker hands it to
Twilio's REST API. The caller's number is used to send and nothing else: it is never stored
or logged, and the records keep the keyed hash.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..core.contacts import is_japanese_mobile
from ..core.flow import TextMessage
from ..core.hours import in_japan
from ..core.events import call_sid as one_call
from . import sending
from .sending import SmsConfigError, TwilioSender

log = logging.getLogger("ivr.sms")
PER_CALL = 2
PER_CALLER = 3
PER_DAY = 500
COUNT_TIMEOUT = 2.0  # seconds the webhook waits, at most, for the database to count a message
FINISH_TIMEOUT = 10.0  # seconds the sender waits, at most, to note how a message ended
SLOTS = 4  # messages a worker counts at once: as many as its engine has connections
BROKEN_TRIES = 3  # tries of a count whose connections SQLAlchemy found broken and replaced
QUEUE_CAPACITY = 1000
DRAIN_AT_EXIT = 5.0
UNAVAILABLE = "unavailable"  # the refusal when the message cannot be counted or queued

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


class DatabaseLedger:
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
        self._lock = threading.Lock()
        self._forget()
        from ..records import database as store

        store.prepare(url)  # a worker's first count then has 2 s for the database alone

    def _forget(self) -> None:
        self._pid = os.getpid()
        self._engine = None
        self._ready = False
        self._file: tuple[int, int] | None = None
        self._slots = threading.BoundedSemaphore(SLOTS)

    def engine(self):
        return self._current()[0]

    def _current(self):
        """The engine, schema in place, and the SQLite file it writes to."""
        from ..records import database as store

        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's connections are not ours
                self._forget()
            if self._engine is None:
                self._engine = store.make_engine(self.url, self.timeout, statement_timeout=self.timeout)
            if self._ready and (now := store.sqlite_file(self._engine)) != self._file:
                self._moved(now)
            if not self._ready:
                store.upgrade(self._engine)
                self._ready = True
                self._file = store.sqlite_file(self._engine)
            return self._engine, self._file

    def _moved(self, now: tuple[int, int] | None) -> None:
        from ..records import database as store

        log.error("text messages' database %s was %s while in use: the messages counted in it "
                  "before are gone with it; counting in a new file at that path",
                  self._engine.url.database, "deleted" if now is None else "replaced")
        self.on_failure("database_deleted")
        self._engine.dispose()
        self._engine = store.make_engine(self.url, self.timeout, statement_timeout=self.timeout)
        self._ready = False

    def _within(self, seconds: float, what: str, work: Callable, late: Callable = lambda result: None):
        """`work(attempt)` on a thread of its own; its result, or TimeoutError after `seconds`."""
        if self._pid != os.getpid():
            with self._lock:
                self._forget()
        attempt = _Attempt(seconds)
        if not self._slots.acquire(timeout=seconds):
            raise TimeoutError(f"the database did not {what} within {seconds:g} s "
                               "(every connection was busy)")
        slots = self._slots

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
        from ..records import database as store

        def count(attempt: _Attempt) -> Reservation | str:
            engine, file = self._current()
            counted = store.reserve_text(engine, call_sid, hashed, day, at, desk, limits.per_call,
                                         limits.per_caller, limits.per_day, attempt.deadline,
                                         attempt.wanted)
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
        from ..records import database as store

        def note(attempt: _Attempt) -> None:
            engine, file = self._current()
            same = counted.file == file  # else its row went with the file it was counted in
            if not store.finish_text(engine, counted.id if same else None, status, error,
                                     message_sid, counted.row, attempt.deadline, attempt.wanted):
                log.warning("text message for desk %s was counted in a database file deleted or "
                            "replaced since: counted again in the new one, as %s",
                            counted.row["desk"], status)

        self._within(FINISH_TIMEOUT, "note how the message ended", note)


def _replacing_broken(work: Callable, attempt: _Attempt):
    """`work(attempt)`, again while a connection SQLAlchemy found broken, and threw away, is the
    cause (a SQLite connection opened while the file was read-only) and time is left."""
    from sqlalchemy.exc import DBAPIError

    for tries in range(1, BROKEN_TRIES + 1):
        try:
            return work(attempt)
        except DBAPIError as error:
            if (not error.connection_invalidated or tries == BROKEN_TRIES
                    or time.monotonic() >= attempt.deadline):
                raise


@dataclass(frozen=True)
class _Job:
    ident: object  # what the ledger counted it as (a Reservation, or a number)
    to: str
    message: TextMessage


class Texter:
    """Takes a caller's request for a text message: counts it, then sends it off the call's path."""

    def __init__(self, ledger, sender, limits: Limits,
                 on_request: Counted = lambda result: None, on_send: Counted = lambda result: None,
                 background: bool = True, capacity: int = QUEUE_CAPACITY,
                 on_lost: Counted = lambda reason: None):
        self.ledger = ledger
        self.sender = sender
        self.limits = limits
        self.on_request = on_request
        self.on_send = on_send
        self.on_lost = on_lost  # a message's row (or its status) that could not be stored
        self.background = background
        self.capacity = capacity
        self._guard = threading.Lock()
        self._pid = os.getpid()
        self._queue: queue.Queue = queue.Queue(capacity)
        self._thread: threading.Thread | None = None
        self._exit_hook = False

    # -- the call's side: counts, queues, never waits on Twilio ---------------------------

    def request(self, call_sid: str, caller: str, hashed: str | None, message: TextMessage,
                now: datetime) -> str | None:
        """None if the message will be sent; else why not: call, caller, line (a limit) or unavailable.

        `hashed` is the caller's keyed hash, made once for the request's event: the limits per
        caller count it, never the number. The caller must be a Japanese mobile written as Twilio
        writes it, and the call is counted by its CallSid in Twilio's letter case.
        """
        call_sid = one_call(call_sid)
        if call_sid is None or not is_japanese_mobile(caller) or not hashed:
            return self._refused(UNAVAILABLE)
        if len(message.body) > sending.BODY_LIMIT:  # Twilio would refuse it: say so on the call
            log.error("text message for desk %s not sent: %d characters, Twilio takes at most %d",
                      message.desk, len(message.body), sending.BODY_LIMIT)
            return self._refused(UNAVAILABLE)
        try:
            counted = self.ledger.reserve(call_sid, hashed, in_japan(now).date().isoformat(), now,
                                          message.desk, self.limits)
        except Exception as error:  # the database's trouble: the caller hears the number instead
            log.error("text message not counted, so not sent: %s", _one_line(error))
            return self._refused(UNAVAILABLE)
        if isinstance(counted, str):
            log.info("text message refused: over the per-%s limit", counted)
            return self._refused(counted)
        job = _Job(counted, caller, message)
        if not self.background:
            self._send(job)
        elif not self._queue_job(job):
            self._finish(job, "dropped", "queue_full")
            return self._refused(UNAVAILABLE)
        self.on_request("queued")
        return None

    def _refused(self, reason: str) -> str:
        self.on_request(UNAVAILABLE if reason == UNAVAILABLE else f"over_{reason}_limit")
        return reason

    def _queue_job(self, job: _Job) -> bool:
        try:
            with self._guard:
                self._ensure_thread()
                self._queue.put_nowait(job)
        except queue.Full:
            log.error("text message queue full (%d): a message was not sent", self.capacity)
            return False
        return True

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # a forked worker: the parent's thread and queue are not ours
            self._pid = os.getpid()
            self._queue = queue.Queue(self.capacity)
            self._thread = None
        if not self._exit_hook:
            atexit.register(self.drain, DRAIN_AT_EXIT)
            self._exit_hook = True
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="ivr-sms", daemon=True)
            self._thread.start()

    # -- the background side ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                self._send(job)
            finally:
                self._queue.task_done()

    def _send(self, job: _Job) -> None:
        """Hand one message to Twilio; whatever happens stays here. Never logs the number."""
        from twilio.base.exceptions import TwilioRestException

        try:
            sid = self.sender.send(job.to, job.message.body)
        except TwilioRestException as error:
            result = "refused" if 400 <= error.status < 500 else "failed"
            code = str(error.code or error.status)[:16]
            # Twilio's message text can repeat the number it was sent to: only status and code.
            log.error("text message for desk %s %s by Twilio: HTTP %s, error %s",
                      job.message.desk, result, error.status, code)
            self._finish(job, result, code)
            self.on_send(result)
            return
        except Exception as error:  # timeouts, refused connections, anything else
            log.error("text message for desk %s not sent: Twilio's API did not answer (%s)",
                      job.message.desk, type(error).__name__)
            self._finish(job, "unreachable", type(error).__name__[:16])
            self.on_send("unreachable")
            return
        self._finish(job, "sent", None, str(sid)[:34] if sid else None)
        self.on_send("sent")

    def _finish(self, job: _Job, status: str, error: str | None, message_sid: str | None = None) -> None:
        try:
            self.ledger.finish(job.ident, status, error, message_sid)
        except Exception as failure:
            log.error("text message %s for desk %s: its status (%s) was not stored: %s",
                      job.ident, job.message.desk, status, _one_line(failure))
            self.on_lost("text_message")

    def drain(self, timeout: float = DRAIN_AT_EXIT) -> bool:
        """Wait until every queued message is handed over or given up; False on timeout."""
        import time

        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


def _one_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


def make_texter(settings, metrics=None) -> Texter | None:
    """The texter the settings ask for: IVR_SMS_FROM, TWILIO_ACCOUNT_SID, IVR_TWILIO_API_URL,
    IVR_SMS_PER_DAY. None without IVR_SMS_FROM: then no caller is offered a text message."""
    texter = settings.sms_texter  # a texter made elsewhere: the terminal phone's rehearsal
    if texter is None:
        if not settings.sms_from:
            return None
        texter = _served_texter(settings)
    if metrics is not None:
        texter.on_request, texter.on_send = metrics.sms_requested, metrics.sms_sent
        texter.on_lost = metrics.record_failed
        if isinstance(texter.ledger, DatabaseLedger):
            texter.ledger.on_failure = metrics.record_failed
    return texter


def _served_texter(settings) -> Texter:
    from ..settings import ConfigError

    missing = [name for name, present in (
        ("TWILIO_ACCOUNT_SID", settings.account_sid),
        ("TWILIO_AUTH_TOKEN", settings.auth_token),
        ("IVR_CALLER_HASH_KEY (the limits count callers by their keyed hash)", settings.caller_key),
        ("a records database (the limits are shared through it; IVR_RECORDS_DB is off)",
         settings.records_url),
    ) if not present]
    if missing:
        raise ConfigError("IVR_SMS_FROM is set, but text messages also need: " + "; ".join(missing))
    try:
        per_day = int(settings.sms_per_day)
    except (TypeError, ValueError):
        per_day = -1
    if per_day < 0:
        raise ConfigError(f"IVR_SMS_PER_DAY={settings.sms_per_day!r} is not a whole number of messages")
    try:
        sender = TwilioSender(settings.account_sid, settings.auth_token, settings.sms_from,
                              settings.twilio_api_url or sending.TWILIO_API_URL, sending.SEND_TIMEOUT)
    except SmsConfigError as error:
        raise ConfigError(str(error)) from None
    return Texter(DatabaseLedger(settings.records_url), sender, Limits(per_day=per_day))
