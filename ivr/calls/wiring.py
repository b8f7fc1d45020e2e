"""What `create_app` wires, in one object: the settings, the routes served, the bus, metrics,
the record writer, the texter and the refused reloads' recorder. The app keeps it as its one extension (`ivr.web.wired`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..core.bus import Bus
    from ..core.flow import CallFlow
    from ..core.readings import Reader
    from ..observability.metrics import Metrics
    from ..records.refusals import RefusedReloads
    from ..records.writer import RecordWriter
    from ..settings import Settings
    from ..sms.texter import Texter


class Served(Protocol):
    """The routes being served (`ivr.web.served.Line`)."""

    reader: Reader
    flow: CallFlow  # the flow being served

    def current(self) -> CallFlow:
        """The flow to serve now."""


@dataclass(slots=True)
class Wiring:
    """The line's parts, wired once per app."""

    settings: Settings
    line: Served
    bus: Bus
    metrics: Metrics
    records: RecordWriter | None = None  # None with call records off
    texter: Texter | None = None  # None without IVR_SMS_FROM: no caller is offered a text message
    refusals: RefusedReloads | None = None  # refused reloads of published versions, recorded
