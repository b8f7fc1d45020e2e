"""Production serving with gunicorn, the app already built and checked."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator

from flask import Flask
from gunicorn.app.base import BaseApplication

from ..web import wired


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and key != "wsgi_app":
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


CONFIG = "python:ivr.operators.gunicorn_conf"  # the one gunicorn configuration, for every way of serving


@contextlib.contextmanager
def metrics_shared_between_workers() -> Iterator[None]:
    """Give prometheus_client a fresh multiprocess directory unless one is configured.

    Enter it before the app is built (the metrics must be created in multiprocess mode). The
    process that entered it (gunicorn's master) alone removes the directory, when it leaves;
    gunicorn's workers are forked inside it and leave it too when they end, and must not.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    owner = os.getpid()
    shared = tempfile.mkdtemp(prefix="ivr-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared
    try:
        yield
    finally:
        if os.getpid() == owner:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
            shutil.rmtree(shared, ignore_errors=True)


def serve_metrics(app: Flask, log=None, every_worker: bool = False):
    """Serve GET /metrics on the app's IVR_METRICS_BIND, apart from the webhooks, in a thread of this
    process: gunicorn's master (`every_worker`: the workers' metrics, through
    PROMETHEUS_MULTIPROC_DIR), or the one process of `ivr serve --dev`. The server, or None if it
    is off or cannot listen (the line goes on without it, and the log says why)."""
    from prometheus_client import start_http_server

    log = log or logging.getLogger("ivr")
    wiring = wired(app)
    address = wiring.settings.metrics_address
    if address is None:
        return None
    metrics = wiring.metrics
    if every_worker and not metrics.shared_dir:
        log.error("/metrics is not served: PROMETHEUS_MULTIPROC_DIR is not set, so the workers' "
                  "metrics cannot be read (set it to an empty directory, as infra/ does)")
        return None
    try:
        server, _ = start_http_server(address[1], address[0], registry=metrics.collected())
    except OSError as error:
        log.error("/metrics cannot be served on %s:%s (%s): calls go on, metrics are not served",
                  *address, error)
        return None
    log.info("/metrics served on %s:%s", *address)
    return server


def gunicorn_settings() -> dict:
    """The settings of the packaged configuration module, by gunicorn's names."""
    module = importlib.import_module(CONFIG.removeprefix("python:"))
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with gunicorn and the packaged configuration, on `host`:`port`."""
    _Gunicorn(app, {**gunicorn_settings(), "bind": [f"{host}:{port}"], "workers": workers}).run()


def free_port() -> int:
    """A loopback port free now, for a server started as a child process (tests, load test, benchmark)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    """The pids of a gunicorn master's worker processes now (its children); [] once it is gone."""
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return [int(pid) for pid in children.read().split()]
    except OSError:
        return []


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
