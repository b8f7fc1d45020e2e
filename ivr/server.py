"""Production serving with gunicorn, the app already built and checked."""

from __future__ import annotations

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


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with gunicorn; timeouts stay well under Twilio's 15 s webhook limit."""
    _Gunicorn(app, {
        "bind": f"{host}:{port}", "workers": workers, "timeout": 10,
        "graceful_timeout": 10, "accesslog": "-",
    }).run()
