"""The line as served: the call flow for the last good routes.yaml, reloaded when it changes."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..core.flow import CallFlow
from ..core.hours import JAPAN, IsHoliday
from ..core.readings import Reader
from ..core.routes import Routes
from .loader import RoutesError, load_routes
from .reader import Problem

log = logging.getLogger("ivr.reload")
CHECK_EVERY = 1.0  # seconds between looks at the file


@dataclass(frozen=True)
class Refusal:
    """A reload that was refused, and why."""

    at: datetime
    error: str


def checked_flow(routes: Routes, reader: Reader, is_holiday: IsHoliday, now: datetime) -> CallFlow:
    """The call flow for loaded routes; RoutesError if something callers would hear breaks Twilio's limits.

    Answers are measured now and twelve hours from now, so both an open and a closed desk's
    wording is seen.
    """
    from ..web.twiml import oversized_says

    flow = CallFlow(routes, reader, is_holiday)
    problems = oversized_says(flow, (now, now + timedelta(hours=12)))
    if problems:
        raise RoutesError(problems)
    return flow


class Line:
    """Serves one routes file; a changed file replaces it only once it has loaded cleanly."""

    def __init__(self, path: str | Path, reader: Reader, is_holiday: IsHoliday, version: str):
        self.path = Path(path)
        self.reader = reader
        self.is_holiday = is_holiday
        self.version = version
        self.last_refused: Refusal | None = None
        self.on_refused: list[Callable[[Refusal], None]] = []  # told of each refused reload
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._signature = self._stat()
        self.flow = self._load()
        self.loaded_at = datetime.now(timezone.utc)

    def _load(self) -> CallFlow:
        return checked_flow(load_routes(self.path), self.reader, self.is_holiday, datetime.now(JAPAN))

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def current(self) -> CallFlow:
        """The flow to serve now; looks for an edited file at most once a second."""
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + CHECK_EVERY
            signature = self._stat()
            if signature != self._signature:
                self.reload(signature)
        return self.flow

    def reload(self, signature: tuple[int, int] | None = None) -> bool:
        """Load the file again; keep serving the old routes if the new file is refused."""
        with self._lock:
            self._signature = signature if signature is not None else self._stat()
            try:
                flow = self._load()
            except Exception as error:  # noqa: BLE001 — whatever happens, the last good file keeps serving
                if not isinstance(error, RoutesError):
                    error = RoutesError([Problem(str(self.path), 1, (), f"cannot be loaded: {error!r}"[:300])])
                # /healthz shows the problem with the file's name, not where it lives on disk.
                shown = str(error).replace(str(self.path), self.path.name)
                self.last_refused = Refusal(datetime.now(timezone.utc), shown)
                log.error("routes reload refused, still serving %s:\n%s",
                          self.flow.routes.digest, error)
                for listener in self.on_refused:
                    try:
                        listener(self.last_refused)
                    except Exception:
                        log.exception("refused-reload listener %r failed", listener)
                return False
            self.last_refused = None  # the file being served is the latest word again
            if flow.routes.digest != self.flow.routes.digest:
                self.flow = flow
                self.loaded_at = datetime.now(timezone.utc)
                log.info("routes reloaded from %s (digest %s)", self.path, flow.routes.digest)
            return True

    def health(self) -> dict:
        """What /healthz reports: versions and the routes being served, never caller data."""
        refused = self.last_refused
        return {
            "status": "ok",
            "version": self.version,
            "routes": {"digest": self.flow.routes.digest, "loaded_at": self.loaded_at.isoformat()},
            "last_refused_reload": None if refused is None else
            {"at": refused.at.isoformat(), "error": refused.error},
        }


def offline_flow(path: str | Path) -> CallFlow:
    """The call flow for a routes file, wired as the server wires it, for the command line."""
    import holidays

    from ..core.wording import load_translations

    calendar = holidays.country_holidays("JP")
    return checked_flow(load_routes(path), Reader(load_translations()), calendar.__contains__,
                        datetime.now(JAPAN))
