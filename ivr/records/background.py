"""A queue worked through by one background thread per process, off the call's path.

The records writer and the text message sender are both one: the call only appends to the
queue, under its lock, and never waits on a database or on Twilio. An item leaves the queue
once it is done with, so `drain()` and `close()` see it queued until then.

The queue belongs to the process that made it: a child forked from it starts its own, with
its own lock and thread (`PerProcess`). At exit (atexit) `close()` goes in named steps:
`_finish_by` (the thread tries no longer than the deadline), `_wait_for_queue`, `_stop_thread`,
`_take_left` and `_hand_over` (what the thread did not do: the subclass says what becomes of it).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import deque


class Stopped(Exception):
    """The queue is closing: the work under way stays queued."""


class PerProcess:
    """State that belongs to the process that made it: locks, queue, thread, connections, files.

    A child forked from that process (gunicorn forks its workers from a master that loaded the
    app) makes its own right after the fork (`_reset`, from os.register_at_fork): the parent's
    threads did not come with it, its connections and files are the parent's, and a lock one
    of its threads held at the fork would never be let go.
    """

    def __init__(self):
        self._reset()
        _MADE.add(self)

    def _reset(self) -> None:
        raise NotImplementedError


_MADE: weakref.WeakSet[PerProcess] = weakref.WeakSet()


def _forked() -> None:
    for made in list(_MADE):
        made._reset()


os.register_at_fork(after_in_child=_forked)


class BackgroundQueue(PerProcess):
    """Items queued by the call's thread (`_put`), handled by one daemon thread.

    A subclass says what to take (`_next`), how to handle it (`_handle`, then `_pop`) and what
    becomes of what is left at exit (`_hand_over`).
    """

    thread_name = "ivr-queue"
    log = logging.getLogger("ivr")
    failed = "background work failed; trying again"  # logged when `_handle` raises
    drain_at_exit = 5.0  # seconds close() lets the thread work at exit, by default
    grace = 0.0  # seconds past that deadline for the work under way to end

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._exit_hook = False
        super().__init__()

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._items: deque = deque()
        self._thread: threading.Thread | None = None
        self._stopping = False  # the thread ends once the queue is empty
        self._give_up_at: float | None = None  # close()'s deadline: no trying again after it
        self._wake = threading.Event()  # cuts a pause short (drain, close)

    # -- the call's side ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread now (the first item does anyway)."""
        with self._cond:
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        """(Under the lock.) The exit hook, and a live thread."""
        if not self._exit_hook:
            atexit.register(self.close)
            self._exit_hook = True
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()

    def _put(self, item) -> bool:
        """Queue `item`; False if the queue is full."""
        with self._cond:
            self._ensure_thread()
            if self._full():
                return False
            self._append(item)
            return True

    def _full(self) -> bool:
        return len(self._items) >= self.capacity

    def _append(self, item) -> None:
        """(Under the lock, the thread ensured.) Queue `item`, waking the thread if it waits."""
        self._items.append(item)
        if len(self._items) == 1:
            self._cond.notify()

    # -- the background side --------------------------------------------------------------------

    def _run(self) -> None:
        idle_since = time.monotonic()
        while True:
            with self._cond:
                if not self._items and not self._stopping:
                    self._cond.wait(self._tick())
                if self._stopping and not self._items:
                    return
                if self._items:
                    idle_since = time.monotonic()
                batch = self._next(time.monotonic() - idle_since)
                if batch is None:
                    return
            try:
                self._handle(batch)
            except Stopped:
                return
            except Exception:  # never let the thread die; the items stay queued
                self.log.exception(self.failed)
                self._pause(1.0)

    def _tick(self) -> float | None:
        """Seconds between looks while nothing is queued; None: until an item comes."""
        return None

    def _next(self, idle: float) -> list | None:
        """(Under the lock.) The items to handle now; None ends the thread (queue empty `idle` s)."""
        return [self._items[0]] if self._items else []

    def _handle(self, batch: list) -> None:
        raise NotImplementedError

    def _pop(self, count: int) -> list:
        """(Under the lock.) The first `count` queued items, done with, out of the queue."""
        return [self._items.popleft() for _ in range(min(count, len(self._items)))]  # (emptied by close())

    def _out_of_time(self) -> bool:
        """The thread is to stop, or close()'s deadline has passed."""
        return self._stopping or (self._give_up_at is not None and time.monotonic() >= self._give_up_at)

    def _pause(self, seconds: float) -> None:
        """Wait `seconds`, never past close()'s deadline; drain() and close() cut it short."""
        if self._give_up_at is not None:
            seconds = min(seconds, max(0.0, self._give_up_at - time.monotonic()))
        self._wake.wait(seconds)

    # -- draining, closing ------------------------------------------------------------------------

    def _queued(self) -> int:
        with self._cond:
            return len(self._items)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued item is done with (`drain_at_exit` s at most); False on timeout."""
        deadline = time.monotonic() + (self.drain_at_exit if timeout is None else timeout)
        while self._queued():
            if time.monotonic() > deadline:
                return False
            if self._thread is None or not self._thread.is_alive():
                self.start()
            self._wake.set()
            time.sleep(0.01)
            self._wake.clear()
        return True

    def close(self, timeout: float | None = None) -> int:
        """At exit: let the thread work through the queue for up to `timeout` s (`drain_at_exit`
        by default), stop it, hand over what is left; how many items were left."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            until = self._finish_by(self.drain_at_exit if timeout is None else timeout)
            self._wait_for_queue(thread, until)
            self._stop_thread(thread, until)
        left = self._take_left()
        self._hand_over(left)
        return len(left)

    def _finish_by(self, timeout: float) -> float:
        """Tell the thread to try nothing again past `timeout` s from now; when to stop waiting."""
        self._give_up_at = time.monotonic() + timeout
        self._wake.set()
        with self._cond:
            self._cond.notify()
        return self._give_up_at + self.grace

    def _wait_for_queue(self, thread: threading.Thread, until: float) -> None:
        while self._items and time.monotonic() < until and thread.is_alive():
            if self._hand_over_now():
                break
            time.sleep(0.01)

    def _hand_over_now(self) -> bool:
        """Waiting longer cannot help: hand what is left over at once."""
        return False

    def _stop_thread(self, thread: threading.Thread, until: float) -> None:
        self._stopping = True
        with self._cond:
            self._cond.notify()
        thread.join(max(0.0, self._join_by(until) - time.monotonic()))

    def _join_by(self, until: float) -> float:
        return until

    def _take_left(self) -> list:
        """What is still queued, taken out of the queue (the thread, if still at work, finds it empty)."""
        self._thread = None
        with self._cond:
            left, self._items = list(self._items), deque()
        return left

    def _hand_over(self, left: list) -> None:
        """What becomes of the items not done with at exit."""
        raise NotImplementedError
