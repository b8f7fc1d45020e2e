"""The line as served: the call flow for the last good routes.yaml, reloaded when it changes."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
import weakref
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from ..core.bus import Bus
from ..core.events import ReloadAccepted, ReloadRefused
from ..core.flow import CallFlow
from ..core.hours import JAPAN, IsHoliday
from ..core.notices import notice
from ..core.readings import Reader
from ..routesfile.examples import EXAMPLES, load_examples
from ..routesfile.flows import checked_flow
from ..routesfile.loader import RoutesError, parse_routes, read_routes_text
from ..routesfile.reader import Problem
from .twiml import Documents, document_memo

log = logging.getLogger("ivr.reload")
CHECK_EVERY = 1.0  # seconds between looks at the file
STUCK_AFTER = 10.0  # seconds one look (stat, read, load) may take before its watcher is given up
MAX_STUCK = 2  # watchers held up in the file system at once; no more are started while they are


class _Watcher(threading.Thread):
    """The thread that looks at a Line's file once a second, for as long as the Line is in use.

    It holds the Line weakly, so a Line dropped (an app made for a test) ends its watcher.
    `looking_since` is when its current look at the file began (None between looks).
    """

    def __init__(self, line: Line):
        super().__init__(name="ivr-routes-watcher", daemon=True)
        self.line = weakref.ref(line)
        self.looking_since: float | None = None

    def run(self) -> None:
        while True:
            line = self.line()
            if line is None or line._watcher is not self:
                return
            self.looking_since = time.monotonic()
            try:
                line._look(self)
            except Exception:  # noqa: BLE001 — the watcher never dies of a file
                log.exception("looking at %s failed", line.path)
            finally:
                self.looking_since = None
            del line
            time.sleep(max(CHECK_EVERY, 0.01))


class VersionSource(Protocol):
    """Routes versions from elsewhere than the file: `ivr.web.published.PublishedRoutes`."""

    def first(self, line: Line) -> tuple[int | None, str, CallFlow, Exception | None]:
        """At start: (version number or None for the file, text, flow, a refusal or None)."""

    def watch(self, line: Line) -> None:
        """Make sure this process follows the published version (cheap when it does)."""

    def health(self) -> dict:
        """What /healthz shows of the source."""


class Line:
    """Serves one routes file; a changed file replaces it only once it has loaded cleanly.

    No caller ever touches the file: a thread of the process (the watcher, started when a
    gunicorn worker starts, or by the first request) looks at it once a second, reads it (a
    regular file only, opened without blocking, in at most READ_LIMIT seconds), loads and
    checks it, and only then serves it. A watcher held up in the file system for STUCK_AFTER
    seconds is given up: the refusal shows in /healthz and a new watcher looks instead.

    With `published` (the line keeps call records), the routes come from the version published
    in the records database instead (see `ivr.web.published`), and the file only gives
    version 1 to an empty database, or serves while the database cannot be read at start.

    Under gunicorn the master gives the line a directory (`keep_last_good`) where every worker
    keeps the text of the last file it accepted: a worker that starts later (another's end,
    SIGHUP, max-requests) serves that text, not the file the master loaded at boot, and a
    worker that refuses a file falls back to it too if another worker accepted a newer one.
    """

    def __init__(self, path: str | Path, reader: Reader, is_holiday: IsHoliday, version: str,
                 published: VersionSource | None = None, bus: Bus | None = None,
                 examples: str | Path | None = EXAMPLES):
        self.path = Path(path)
        # Callers' example sentences (ivr.routesfile.examples), read with every load of the
        # routes and looked at with the file: a bad row is refused as a bad routes file is.
        self.examples = None if examples is None else Path(examples)
        self.reader = reader
        self.is_holiday = is_holiday
        self.version = version
        self.published = published
        self.number: int | None = None  # the version from the database being served; None: the file
        self.last_refused: ReloadRefused | None = None
        self.bus = bus or Bus()  # told of each reload refused (ReloadRefused) and accepted (ReloadAccepted)
        self._documents: tuple[CallFlow, Documents] | None = None
        self._lock = threading.Lock()  # held while what is served changes, never while reading
        self._tending = threading.Lock()
        self._next_check = 0.0
        self._watcher: _Watcher | None = None
        self._stuck: list[_Watcher] = []
        self._signature = self._stat()
        self._kept: Path | None = None
        if published is None:
            self._text = self.read_file()
            self.flow = self._load(self._text)
        else:
            self.number, self._text, self.flow, refused = published.first(self)
            if refused is not None:
                self._refused(refused)
        self.loaded_at = datetime.now(timezone.utc)

    def read_file(self) -> str:
        """The routes file's text (RoutesError if it cannot be read)."""
        return read_routes_text(self.path)

    def load(self, text: str, file: str | None = None) -> CallFlow:
        """The checked flow for routes text (named `file` in problems; default the file's path)."""
        return self._load(text, file)

    def _load(self, text: str, file: str | None = None) -> CallFlow:
        routes = parse_routes(text, file or str(self.path))
        examples = None if self.examples is None else load_examples(self.examples)
        return checked_flow(routes, self.reader, self.is_holiday, datetime.now(JAPAN), examples)

    @property
    def text(self) -> str:
        """The text of the routes being served."""
        return self._text

    def _stat(self) -> tuple[tuple[int, int] | None, ...]:
        """The routes file's and the examples' modification times and sizes (None for one that
        cannot be looked at)."""
        return tuple(_signature(path) for path in (self.path, self.examples) if path is not None)

    @property
    def documents(self) -> Documents:
        """The TwiML documents of the flow being served, each made once (`twiml.document_memo`):
        a flow that replaces it starts with none, so a reload leaves nothing of the old one."""
        kept = self._documents
        flow = self.flow
        if kept is None or kept[0] is not flow:
            kept = self._documents = (flow, document_memo())
        return kept[1]

    def current(self) -> CallFlow:
        """The flow to serve now. Never waits on the file; at most once a second, sees that the
        watcher is looking at it."""
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + CHECK_EVERY
            if self.published is not None:
                self.published.watch(self)  # the database is looked at off the request path
                return self.flow
            self._tend(now)
        return self.flow

    def watch(self) -> None:
        """Start looking at the file (or the published version) in this process now (a gunicorn
        worker, as it starts)."""
        if self.published is not None:
            self.published.watch(self)
            return
        self._tend(time.monotonic())

    # -- the watcher ------------------------------------------------------------------------

    def _tend(self, now: float) -> None:
        """Start a watcher if none is looking (none yet, or the one a fork left behind); give up
        one held up in the file system."""
        if not self._tending.acquire(blocking=False):
            return  # another thread is seeing to it
        try:
            watcher = self._watcher
            if watcher is not None and watcher.is_alive():
                since = watcher.looking_since
                if since is None or now - since < STUCK_AFTER:
                    return
                self._watcher = None  # it may never come back; if it does, it sees it was replaced
                self._stuck.append(watcher)
                self._signature = None  # the next watcher reads the file afresh
                # TRANSLATORS: the file system holding routes.yaml stopped answering a read.
                self._refused(RoutesError([Problem(str(self.path), 1, (), notice(
                    "could not be read within %(seconds)s s (the file system does not answer)",
                    seconds=f"{STUCK_AFTER:g}"))]))
            self._stuck = [stuck for stuck in self._stuck if stuck.is_alive()]
            if len(self._stuck) >= MAX_STUCK:
                return  # no more threads for the file system to hold: the refusal stays shown
            self._watcher = _Watcher(self)
            self._watcher.start()
        finally:
            self._tending.release()

    def _look(self, me: _Watcher) -> None:
        """Load the file if it changed; serve it if it loads cleanly, else keep serving the last good one."""
        signature = self._stat()
        if signature == self._signature:
            return
        self._signature = signature
        try:
            text = read_routes_text(self.path)
            flow = self._load(text)
        except Exception as error:  # noqa: BLE001 — whatever happens, the last good file keeps serving
            with self._lock:
                if self._watcher is me:
                    self._refused(error)
                    self._adopt_kept()
            return
        with self._lock:
            if self._watcher is not me:
                return  # given up as stuck meanwhile: a newer look decides what is served
            self.last_refused = None  # the file being served is the latest word again
            self._keep(text)  # kept before it is served: a worker that ends next leaves it behind
            self._serve(flow, text)
        self.bus.publish(ReloadAccepted())

    def _serve(self, flow: CallFlow, text: str) -> None:
        if _digest(flow) != _digest(self.flow):
            self.flow = flow
            self._text = text
            self.loaded_at = datetime.now(timezone.utc)
            log.info("routes reloaded from %s (digest %s)", self.path, flow.routes.digest)

    # -- versions from the records database ------------------------------------------------

    def serve_version(self, number: int, text: str) -> bool:
        """Serve version `number` from the database once it loads cleanly; if it does not, keep
        serving what is served, and show why in /healthz."""
        from ..records.versions import version_file

        with self._lock:
            try:
                flow = self._load(text, version_file(number))
            except Exception as error:  # noqa: BLE001 — whatever happens, the last good version keeps serving
                self._refused(error)
                return False
            self.last_refused = None
            if number != self.number or _digest(flow) != _digest(self.flow):
                self.flow, self._text, self.number = flow, text, number
                self.loaded_at = datetime.now(timezone.utc)
                log.info("routes version %d published in the records database is served (digest %s)",
                         number, flow.routes.digest)
            self._keep(text)
        self.bus.publish(ReloadAccepted())
        return True

    def refuse(self, error: Exception) -> None:
        """A version that cannot be served here: keep serving what is served, and show why."""
        with self._lock:
            self._refused(error)

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, RoutesError):
            log.error("routes file %s could not be loaded", self.path, exc_info=error)
            # TRANSLATORS: loading routes.yaml failed unexpectedly; error is a Python exception's name.
            error = RoutesError([Problem(str(self.path), 1, (), notice(
                "cannot be loaded (%(error)s; the server's log has the details)", error=type(error).__name__))])
        # /healthz shows the problem with the file's name, not where it lives on disk.
        shown = str(error).replace(str(self.path), self.path.name)
        if self.examples is not None:
            shown = shown.replace(str(self.examples), self.examples.name)
        self.last_refused = ReloadRefused(datetime.now(timezone.utc), shown, tuple(error.problems))
        log.error("routes reload refused, still serving %s:\n%s", self.flow.routes.digest, error)
        self.bus.publish(self.last_refused)

    # -- the last good routes, shared by gunicorn's workers ---------------------------------

    def keep_last_good(self, directory: str | Path) -> None:
        """Keep the text of each accepted file in `directory` (made by the server's master);
        with versions from the database, each version's text with its number."""
        self._kept = Path(directory) / ("routes.yaml" if self.published is None else "version.json")
        self._keep(self._text)

    def adopt_last_good(self) -> None:
        """Serve the last good routes kept by any worker, if they differ from these (a new worker);
        with versions from the database, start looking at it."""
        with self._lock:
            self._adopt_kept()
        if self.published is not None:
            self.published.watch(self)

    def _keep(self, text: str) -> None:
        if self._kept is None:
            return
        kept = text if self.published is None else json.dumps({"number": self.number, "text": text})
        try:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self._kept.parent,
                                             prefix=".routes-", delete=False, newline="") as handle:
                handle.write(kept)
            os.replace(handle.name, self._kept)
        except OSError:
            log.exception("could not keep the last good routes in %s", self._kept.parent)

    def _adopt_kept(self) -> None:
        if self._kept is None:
            return
        try:
            if self.published is not None:
                self._adopt_kept_version()
                return
            text = read_routes_text(self._kept)
            if text == self._text:
                return
            self._serve(self._load(text), text)
        except Exception:  # noqa: BLE001 — it was accepted once; if it no longer loads, keep what we have
            log.exception("the last good routes kept in %s could not be served", self._kept)

    def _adopt_kept_version(self) -> None:
        from ..records.versions import version_file

        with open(self._kept, encoding="utf-8") as handle:
            kept = json.load(handle)
        number, text = kept["number"], kept["text"]
        if number == self.number and text == self._text:
            return
        self.flow = self._load(text, None if number is None else version_file(number))
        self._text, self.number = text, number
        self.loaded_at = datetime.now(timezone.utc)

    def health(self) -> dict:
        """What /healthz reports: versions and the routes being served, never caller data.

        `routes.source` is `file` or `database`; with versions from the database, `routes.version`
        is the number served and `published` what the database said last (see `ivr.web.published`).
        """
        refused = self.last_refused
        routes = {"digest": self.flow.routes.digest, "loaded_at": self.loaded_at.isoformat(),
                  "source": "file" if self.number is None else "database"}
        health = {
            "status": "ok",
            "version": self.version,
            "routes": routes,
            "last_refused_reload": None if refused is None else
            {"at": refused.at.isoformat(), "error": refused.error},
        }
        if self.published is not None:
            routes["version"] = self.number
            health["published"] = self.published.health()
        return health


def _signature(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size, None if it cannot be looked at."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _digest(flow: CallFlow) -> tuple[str, str]:
    """What tells two flows apart: the routes' digest and the examples' (empty without any)."""
    return (flow.routes.digest, flow.examples.digest if flow.examples is not None else "")
