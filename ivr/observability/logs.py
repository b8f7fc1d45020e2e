"""One JSON line on stderr per webhook step; the caller appears only as the keyed hash.

The lines are an event stream for the log collector, written straight to stderr: going
through the logging module (caller lookup, record, handler) cost more than the rest of the
step's bookkeeping together.
"""

from __future__ import annotations

import json
import os
import sys
import threading

from flask import Flask, current_app, request

from .callers import hashed_caller

_writing = threading.Lock()


def write_line(line: str) -> None:
    """One whole line to whatever sys.stderr is now, never interleaved with another thread's."""
    with _writing:
        stream = sys.stderr
        stream.write(line + "\n")
        stream.flush()


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
    write_line(step_line(event))


def log_served_step(event) -> None:
    """Step listener: write the step's JSON line if the request came through an HTTP server."""
    if _served():
        write_line(step_line(event))


def log_call_end(call_sid: str, status: str, duration: int | None, caller: str) -> None:
    """The JSON line for Twilio's status callback."""
    if _wanted():
        write_line(json.dumps({"event": "call_end", "call_sid": call_sid, "status": status,
                              "duration_s": duration, "caller": hashed_caller(caller)}))


def init_app(app: Flask) -> None:
    """JSON step lines on stderr; IVR_STEP_LOG=auto (served over HTTP), stderr or off."""
    mode = app.config.setdefault("IVR_STEP_LOG", os.environ.get("IVR_STEP_LOG", "auto"))
    listeners = app.extensions.setdefault("ivr.listeners", [])
    if mode == "stderr":
        listeners.append(log_step)
    elif mode == "auto":
        listeners.append(log_served_step)
