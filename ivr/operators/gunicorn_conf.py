"""gunicorn settings for the line: the one configuration `ivr serve`, the image, the load test and
the benchmark all run with (`gunicorn -c python:ivr.operators.gunicorn_conf ivr.app:create_app()`).

- gthread workers (ivr.operators.gunicorn_worker): each request is served by a thread of its own,
  and a worker whose threads are all taken stops accepting, so a slow client holds one thread,
  never a worker and never a queue that real calls wait in (see docs/reliability.md).
- The master alone creates and empties the shared directories (metrics, last good routes);
  a worker's end never touches them. The master serves /metrics, every worker's, on its own
  port (IVR_METRICS_BIND), never on the webhooks' port.
- X-Forwarded-* headers are left to the app, which trusts IVR_TRUSTED_PROXIES of them; gunicorn
  itself trusts none, from any address.
"""

from __future__ import annotations

import gc
import json
import math
import os
import shutil
import tempfile
from datetime import datetime, timezone

from gunicorn.glogging import Logger

from ..observability import logs

THREADS = 32  # per worker: slow connections each hold one; calls take a few milliseconds


def available_cpus() -> int:
    """CPUs this process may use: those it may run on, fewer if a cgroup v2 quota says so."""
    cpus = len(os.sched_getaffinity(0))
    try:
        with open("/sys/fs/cgroup/cpu.max") as limit:
            quota, period = limit.read().split()
        if quota != "max":
            return max(1, min(cpus, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cpus


class JsonAccessLogger(Logger):
    """gunicorn's logger with one JSON object per request in the access log."""

    def access(self, resp, req, environ, request_time):
        """Log a request as JSON with its path, status and time only: never a query string or form
        field, so never a caller's number. A request the line wrote its own JSON line for (a
        webhook step, a call's end: ivr.observability.logs) is not logged twice."""
        if not self.access_log_enabled or logs.written_for_request():
            return
        entry = {
            "event": "access",
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "ms": round(request_time.total_seconds() * 1000, 2),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


wsgi_app = "ivr.app:create_app()"
bind = [os.environ.get("IVR_BIND", "0.0.0.0:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or available_cpus() * 2 + 1
worker_class = "ivr.operators.gunicorn_worker.LineWorker"
threads = THREADS
# A worker accepts only while a thread is free: one with every thread busy stops accepting, and
# the connection goes to a worker with a free thread instead of waiting (LineWorker). In all it
# holds at most twice its threads: the rest are kept-alive connections, idle, holding no thread.
worker_connections = 2 * THREADS
# Kept-alive connections are closed after 5 s idle; keeping them halves the cost of a request.
keepalive = 5
# Request line and headers: Twilio's are a few hundred bytes (gunicorn's defaults are larger).
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
# Built once in the master, then forked: routes.yaml and the catalog are shared copy-on-write,
# and a broken routes.yaml or a missing TWILIO_AUTH_TOKEN stops the server before it listens.
preload_app = True
# Twilio gives up on a webhook after 15 s; a stuck worker is killed long before that.
timeout = 10
# On SIGTERM, finish the requests in flight for up to this long, then stop.
graceful_timeout = 10
# gunicorn trusts no X-Forwarded-* header from anyone; the app applies IVR_TRUSTED_PROXIES.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = JsonAccessLogger
# No control socket: the image's home is read-only, and nothing in the pod uses it.
control_socket_disable = True


def _line(app):
    """The app's served routes (ivr.web.served.Line), if `app` is the line's app."""
    from ivr.web import wired

    wiring = wired(app)
    return None if wiring is None else wiring.line


def on_starting(server):
    """In the master, before any worker: empty the metrics directory, and make the directory
    where the last good routes are kept for workers that start later."""
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared:
        os.makedirs(shared, exist_ok=True)
        for name in os.listdir(shared):
            if name.endswith(".db"):
                os.remove(os.path.join(shared, name))
    line = _line(server.app.wsgi()) if server is not None and server.cfg.preload_app else None
    if line is not None:
        server.ivr_last_good = tempfile.mkdtemp(prefix="ivr-routes-")
        line.keep_last_good(server.ivr_last_good)


def when_ready(server):
    """The app is built: move its objects out of the collector's sight, so workers neither scan nor
    copy them; serve /metrics (every worker's) from here, on its own port (IVR_METRICS_BIND)."""
    gc.freeze()
    app = server.app.wsgi() if server.cfg.preload_app else None
    if _line(app) is not None:
        from .server import serve_metrics

        server.ivr_metrics = serve_metrics(app, server.log, every_worker=True)


def post_fork(server, worker):
    """A worker does not keep the master's /metrics socket open."""
    metrics = getattr(server, "ivr_metrics", None)
    if metrics is not None:
        metrics.socket.close()


def pre_request(worker, req):
    """A request begins in this thread: its access line is written unless the line writes its own."""
    logs.request_begins()


def post_worker_init(worker):
    """A new worker (at start, after another's end, after SIGHUP) serves the last good routes, and
    looks at routes.yaml from now on (a thread of its own: no call waits on the file). Its record
    writer starts too: records a worker that is gone left in the spool (replaced by max-requests
    or a reload while the database was away) are written without waiting for a call or a probe."""
    from ivr.web import wired

    wiring = wired(worker.wsgi)
    if wiring is None:
        return
    wiring.line.adopt_last_good()
    wiring.line.watch()
    if wiring.records is not None:
        wiring.records.start()


def child_exit(server, worker):
    """A worker is gone: drop its share of the metrics when prometheus_client's multiprocess mode is on."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """The master stops: the last good routes it kept go with it."""
    kept = getattr(server, "ivr_last_good", None)
    if kept:
        shutil.rmtree(kept, ignore_errors=True)
