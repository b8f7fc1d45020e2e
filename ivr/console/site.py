"""What the console works with: the records database, the routes' versions, the draft, the
accounts, and the call flow of any text, loaded and checked exactly as the line loads it."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from ..core.flow import CallFlow
from ..core.hours import in_japan
from ..records.versions import Version, VersionStore
from ..routesfile.loader import RoutesError, read_routes_text
from ..settings import Settings
from ..routesfile.flows import offline_flow_of
from .accounts import Accounts
from .drafts import Draft, Drafts

log = logging.getLogger("ivr.console")
FLOWS_KEPT = 8
FILE_NAME = "routes.yaml"  # how problems name the text, whatever file it came from


@dataclass(frozen=True)
class Loaded:
    """A text loaded as the line would load it: its flow, or the problems that refuse it."""

    text: str
    flow: CallFlow | None
    problems: tuple = ()

    @property
    def ok(self) -> bool:
        return self.flow is not None


class Console:
    """The services behind the pages, one per app (shared by its threads)."""

    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.engine = engine
        self.store = VersionStore(engine)
        self.accounts = Accounts(engine)
        self.drafts = Drafts(engine)
        self._flows: OrderedDict[str, Loaded] = OrderedDict()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The moment on Japan's clock (the settings' clock: tests pin it)."""
        return in_japan(self.settings.clock())

    def published(self) -> Version:
        """The version the line serves. On an empty database the routes file becomes version 1,
        as the line itself does at its first start."""
        version = self.store.published()
        if version is not None:
            return version
        text = read_routes_text(Path(self.settings.routes))
        return self.store.publish_first(text, author="file",
                                        message=f"{Path(self.settings.routes).name} at first start")

    def draft(self) -> Draft | None:
        """The draft being prepared, if any."""
        return self.drafts.get()

    def working(self) -> tuple[str, Draft | None, Version]:
        """The text changes apply to: the draft's, else the published version's."""
        published = self.published()
        draft = self.draft()
        return (draft.text if draft else published.text), draft, published

    def load(self, text: str) -> Loaded:
        """The text loaded and checked as `ivr check` and the line do; kept for a few texts."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._lock:
            found = self._flows.get(key)
            if found is not None:
                self._flows.move_to_end(key)
                return found
        try:
            loaded = Loaded(text, offline_flow_of(text, FILE_NAME))
        except RoutesError as error:
            loaded = Loaded(text, None, tuple(error.problems))
        with self._lock:
            self._flows[key] = loaded
            while len(self._flows) > FLOWS_KEPT:
                self._flows.popitem(last=False)
        return loaded
