"""Production serving with gunicorn, the app already built and checked."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


@contextlib.contextmanager
def metrics_shared_between_workers() -> Iterator[None]:
    """Give prometheus_client a fresh multiprocess directory unless one is configured.

    Enter it before the app is built (the metrics must be created in multiprocess mode);
    if the server does not start, the directory and the setting are taken away again.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    shared = tempfile.mkdtemp(prefix="ivr-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared
    try:
        yield
    except BaseException:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(shared, ignore_errors=True)
        raise


def _worker_gone(server, worker) -> None:
    """Drop a finished worker's share of the live metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with gunicorn; timeouts stay well under Twilio's 15 s webhook limit."""
    _Gunicorn(app, {
        "bind": f"{host}:{port}", "workers": workers, "timeout": 10,
        "graceful_timeout": 10, "accesslog": "-", "child_exit": _worker_gone,
    }).run()


def stop_process(process: subprocess.Popen, grace: float = 20.0) -> None:
    """Stop a server running as a child process: politely, then for good after `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
