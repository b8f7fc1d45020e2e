"""One JSON line on stderr per webhook step; the caller appears only as the keyed hash.

The lines are an event stream for the log collector, written straight to stderr, one whole
line at a time. IVR_STEP_LOG says when: `auto` (requests that came through an HTTP server,
not the in-process terminal phone), `stderr` (always) or `off`.

A request whose line is written here needs no access line as well: the server's access logger
asks `written_for_request()` and writes its own line only for the others (one line per request:
each write costs the server more than the rest of a step's logging, bench/RESULTS.md).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable

from ..core.events import CallEndEvent, StepEvent

_writing = threading.Lock()
_request = threading.local()  # whether this thread wrote a line since its request began


def write_line(line: str) -> None:
    """One whole line to whatever sys.stderr is now, never interleaved with another thread's."""
    with _writing:
        stream = sys.stderr
        stream.write(line + "\n")
        stream.flush()
    _request.written = True


def request_begins() -> None:
    """A request begins in this thread: no line written for it yet."""
    _request.written = False


def written_for_request() -> bool:
    """Whether a line was written in this thread since its request began (and forget it)."""
    written = getattr(_request, "written", False)
    _request.written = False
    return written


def step_line(event: StepEvent) -> str:
    """The JSON line for one step: where the caller was, what they pressed, and what the step did
    (its outcome, desk, topic, whether the desk was open, whether a dated announcement was said,
    and for spoken words the topic understood or not_understood, never the words)."""
    return json.dumps({
        "event": "step", "call_sid": event.call_sid, "endpoint": event.endpoint,
        "menu": event.menu, "position_key": event.key, "key": event.digits,
        "dial_status": event.dial_status, "outcome": event.outcome, "desk": event.desk,
        "topic": event.topic, "desk_open": event.desk_open, "announced": event.announced,
        "heard": event.heard, "latency_ms": round(event.seconds * 1000, 2), "caller": event.caller,
    }, ensure_ascii=False)


def end_line(event: CallEndEvent) -> str:
    """The JSON line for Twilio's status callback."""
    return json.dumps({"event": "call_end", "call_sid": event.call_sid, "status": event.status,
                       "duration_s": event.duration_s, "caller": event.caller})


def log_step(event: StepEvent) -> None:
    """Step handler: write the step's JSON line."""
    write_line(step_line(event))


def log_served_step(event: StepEvent) -> None:
    """Step handler: write the step's JSON line if the request came through an HTTP server."""
    if event.served:
        write_line(step_line(event))


def log_call_end(event: CallEndEvent) -> None:
    """Call-end handler: write the call's last JSON line."""
    write_line(end_line(event))


def log_served_call_end(event: CallEndEvent) -> None:
    """Call-end handler: write the call's last JSON line if it came through an HTTP server."""
    if event.served:
        write_line(end_line(event))


def step_handlers(mode: str) -> list[Callable[[StepEvent], None]]:
    """The step handlers for IVR_STEP_LOG=auto, stderr or off."""
    return {"stderr": [log_step], "auto": [log_served_step]}.get(mode, [])


def end_handlers(mode: str) -> list[Callable[[CallEndEvent], None]]:
    """The call-end handlers for IVR_STEP_LOG=auto, stderr or off."""
    return {"stderr": [log_call_end], "auto": [log_served_call_end]}.get(mode, [])
