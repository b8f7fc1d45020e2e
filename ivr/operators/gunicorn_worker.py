"""The line's gunicorn worker: gunicorn's gthread worker, taking a new connection only while one of
its threads is free for it.

gunicorn's gthread worker stops accepting once it holds `worker_connections` connections, counting
kept-alive idle ones that hold no thread. Set just above the threads, a worker whose every thread
is held by a slow client still accepts one more connection, and a call on it waits behind them
until one lets go; set higher, it accepts more of them. Here a worker accepts while the connections
it hands its threads (new ones, and kept-alive ones sending their next request) are fewer than its
threads, and holds at most `worker_connections` in all, so its idle kept-alive connections keep
their places without taking a new call's.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class LineWorker(ThreadWorker):
    """gthread, accepting only while a thread is free (see the module's docstring)."""

    @property
    def worker_connections(self) -> int:
        """gunicorn accepts while it holds fewer connections than this: its threads, plus the
        connections that wait without a thread (kept alive, or deferred until their first bytes
        come), never more than the configured `worker_connections`."""
        waiting = len(self.keepalived_conns) + len(self.pending_conns)
        return min(self.cfg.worker_connections, self.cfg.threads + waiting)

    @worker_connections.setter
    def worker_connections(self, configured: int) -> None:
        """gunicorn sets the configured figure as the worker starts; the getter reads it from cfg."""
