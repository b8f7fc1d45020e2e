"""The line as served: the call flow for the last good routes.yaml, reloaded when it changes."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..core.dated import dated_moments
from ..core.flow import CallFlow
from ..core.hours import JAPAN, IsHoliday
from ..core.readings import Reader
from ..core.routes import Routes
from ..routesfile.loader import RoutesError, parse_routes, read_routes_text
from ..routesfile.reader import Problem
from .twiml import oversized_says

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
    wording is seen, and on the coming days the calendar changes (closures, special hours,
    announcements).
    """
    flow = CallFlow(routes, reader, is_holiday)
    problems = oversized_says(flow, (now, now + timedelta(hours=12),
                                     *dated_moments(routes.calendar, now)))
    if problems:
        raise RoutesError(problems)
    return flow


class Line:
    """Serves one routes file; a changed file replaces it only once it has loaded cleanly.

    Under gunicorn the master gives the line a directory (`keep_last_good`) where every worker
    keeps the text of the last file it accepted: a worker that starts later (another's end,
    SIGHUP, max-requests) serves that text, not the file the master loaded at boot, and a
    worker that refuses a file falls back to it too if another worker accepted a newer one.
    """

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
        self._kept: Path | None = None
        self._text = read_routes_text(self.path)
        self.flow = self._load(self._text)
        self.loaded_at = datetime.now(timezone.utc)

    def _load(self, text: str) -> CallFlow:
        routes = parse_routes(text, str(self.path))
        return checked_flow(routes, self.reader, self.is_holiday, datetime.now(JAPAN))

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def current(self) -> CallFlow:
        """The flow to serve now; looks for an edited file at most once a second.

        Safe from many threads: one of them reloads, the others go on with the flow they have.
        """
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + CHECK_EVERY
            signature = self._stat()
            if signature != self._signature and self._lock.acquire(blocking=False):
                try:
                    self._reload(signature)
                finally:
                    self._lock.release()
        return self.flow

    def reload(self, signature: tuple[int, int] | None = None) -> bool:
        """Load the file again; keep serving the old routes if the new file is refused."""
        with self._lock:
            return self._reload(signature)

    def _reload(self, signature: tuple[int, int] | None) -> bool:
        self._signature = signature if signature is not None else self._stat()
        try:
            text = read_routes_text(self.path)
            flow = self._load(text)
        except Exception as error:  # noqa: BLE001 — whatever happens, the last good file keeps serving
            self._refused(error)
            self._adopt_kept()
            return False
        self.last_refused = None  # the file being served is the latest word again
        self._serve(flow, text)
        self._keep(text)
        return True

    def _serve(self, flow: CallFlow, text: str) -> None:
        if flow.routes.digest != self.flow.routes.digest:
            self.flow = flow
            self._text = text
            self.loaded_at = datetime.now(timezone.utc)
            log.info("routes reloaded from %s (digest %s)", self.path, flow.routes.digest)

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, RoutesError):
            error = RoutesError([Problem(str(self.path), 1, (), f"cannot be loaded: {error!r}"[:300])])
        # /healthz shows the problem with the file's name, not where it lives on disk.
        shown = str(error).replace(str(self.path), self.path.name)
        self.last_refused = Refusal(datetime.now(timezone.utc), shown)
        log.error("routes reload refused, still serving %s:\n%s", self.flow.routes.digest, error)
        for listener in self.on_refused:
            try:
                listener(self.last_refused)
            except Exception:
                log.exception("refused-reload listener %r failed", listener)

    # -- the last good routes, shared by gunicorn's workers ---------------------------------

    def keep_last_good(self, directory: str | Path) -> None:
        """Keep the text of each accepted file in `directory` (made by the server's master)."""
        self._kept = Path(directory) / "routes.yaml"
        self._keep(self._text)

    def adopt_last_good(self) -> None:
        """Serve the last good routes kept by any worker, if they differ from these (a new worker)."""
        with self._lock:
            self._adopt_kept()

    def _keep(self, text: str) -> None:
        if self._kept is None:
            return
        try:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self._kept.parent,
                                             prefix=".routes-", delete=False) as handle:
                handle.write(text)
            os.replace(handle.name, self._kept)
        except OSError:
            log.exception("could not keep the last good routes in %s", self._kept.parent)

    def _adopt_kept(self) -> None:
        if self._kept is None:
            return
        try:
            text = read_routes_text(self._kept)
            if text == self._text:
                return
            self._serve(self._load(text), text)
        except Exception:  # noqa: BLE001 — it was accepted once; if it no longer loads, keep what we have
            log.exception("the last good routes kept in %s could not be served", self._kept)

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
    return offline_flow_of(read_routes_text(path), str(path))


def offline_flow_of(text: str, file: str = "routes.yaml") -> CallFlow:
    """The call flow for routes text (named `file` in problems), loaded and checked as the server does."""
    import holidays

    from ..core.wording import load_translations

    calendar = holidays.country_holidays("JP")
    return checked_flow(parse_routes(text, file), Reader(load_translations()), calendar.__contains__,
                        datetime.now(JAPAN))
