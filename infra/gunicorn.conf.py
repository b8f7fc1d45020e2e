"""gunicorn settings for the line in production (the image runs `gunicorn -c this ivr.app:create_app()`)."""

import gc
import json
import math
import os
from datetime import datetime, timezone

from gunicorn.glogging import Logger


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
        """Log a request as JSON: no form fields, so no caller numbers."""
        if not self.access_log_enabled:
            return
        entry = {
            "event": "access",
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 2),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


wsgi_app = "ivr.app:create_app()"
bind = [os.environ.get("IVR_BIND", "0.0.0.0:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or available_cpus() * 2 + 1
worker_class = "sync"
# Built once in the master, then forked: routes.yaml and the catalog are shared copy-on-write,
# and a broken routes.yaml or a missing TWILIO_AUTH_TOKEN stops the server before it listens.
preload_app = True
# Twilio gives up on a webhook after 15 s; a stuck worker is killed long before that.
timeout = 10
# On SIGTERM, finish the requests in flight for up to this long, then stop.
graceful_timeout = 10
keepalive = 5
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = JsonAccessLogger
# No control socket: the image's home is read-only, and nothing in the pod uses it.
control_socket_disable = True


def child_exit(server, worker):
    """A worker is gone: drop its share of the metrics when prometheus_client's multiprocess mode is on."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """The app is built: move its objects out of the collector's sight, so workers neither scan nor copy them."""
    gc.freeze()


def on_starting(server):
    """Start prometheus_client's multiprocess directory empty: files of workers from an earlier run would be summed."""
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared and os.path.isdir(shared):
        for name in os.listdir(shared):
            if name.endswith(".db"):
                os.remove(os.path.join(shared, name))
