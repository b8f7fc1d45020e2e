"""One JSON log line per webhook step; the caller appears only as the keyed hash."""

from __future__ import annotations

import json
import logging
import os
import sys

from flask import Flask, current_app, request

from .recording import hashed_caller

log = logging.getLogger("ivr.steps")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment of each line."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def step_line(event) -> str:
    """The JSON line for one step."""
    position = event.position
    return json.dumps({
        "event": "step", "call_sid": event.call_sid[:64], "endpoint": event.endpoint,
        "menu": position.menu[:64] if position else None,
        "position_key": position.key[:8] if position and position.key else None,
        "key": (event.digits or "")[:8] or None, "dial_status": (event.dial_status or "")[:16] or None,
        "outcome": event.step.outcome, "desk": event.step.desk,
        "latency_ms": round(event.seconds * 1000, 2), "caller": hashed_caller(event.caller),
    }, ensure_ascii=False)


def _served() -> bool:
    # A real HTTP server (gunicorn, Flask's) names itself; the in-process phone does not.
    return bool(request.environ.get("SERVER_SOFTWARE"))


def _wanted() -> bool:
    mode = current_app.config["IVR_STEP_LOG"]
    return _served() if mode == "auto" else mode == "stderr"


def log_step(event) -> None:
    """Step listener: write the step's JSON line."""
    log.info(step_line(event))


def log_served_step(event) -> None:
    """Step listener: write the step's JSON line if the request came through an HTTP server."""
    if _served():
        log.info(step_line(event))


def log_call_end(call_sid: str, status: str, duration: int | None, caller: str) -> None:
    """The JSON line for Twilio's status callback."""
    if _wanted():
        log.info(json.dumps({"event": "call_end", "call_sid": call_sid, "status": status,
                             "duration_s": duration, "caller": hashed_caller(caller)}))


def init_app(app: Flask) -> None:
    """JSON step lines on stderr; IVR_STEP_LOG=auto (served over HTTP), stderr or off."""
    mode = app.config.setdefault("IVR_STEP_LOG", os.environ.get("IVR_STEP_LOG", "auto"))
    if not log.handlers:
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    listeners = app.extensions.setdefault("ivr.listeners", [])
    if mode == "stderr":
        listeners.append(log_step)
    elif mode == "auto":
        listeners.append(log_served_step)
