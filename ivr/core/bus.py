"""The one dispatcher: an event goes to every handler of its kind, in the order they subscribed.

A failing handler never stops the others nor the caller that published the event: it is
handed to `failed` (the app logs it), and the next handler runs. Pure: what a failure does is
passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], None]
Failed = Callable[[Any, Handler, Exception], None]


def _ignore(event: Any, handler: Handler, error: Exception) -> None:
    """A failure no one asked to hear of."""


class Bus:
    """Handlers by the kind (class) of event they take; `publish` calls each of them."""

    def __init__(self, failed: Failed = _ignore):
        self.failed = failed
        self._handlers: dict[type, list[Handler]] = {}

    def subscribe(self, kind: type, *handlers: Handler) -> None:
        """Call `handlers` (in this order, after those already there) for each event of `kind`."""
        self._handlers.setdefault(kind, []).extend(handlers)

    def handlers(self, kind: type) -> list[Handler]:
        """The handlers of `kind`, in order; the list itself, so a test may replace them."""
        return self._handlers.setdefault(kind, [])

    def hears(self, kind: type) -> bool:
        """Whether any handler takes events of `kind` (so an event nobody hears need not be made)."""
        return bool(self._handlers.get(kind))

    def publish(self, event: Any) -> None:
        """Hand `event` to every handler of its kind; a failing one goes to `failed`."""
        for handler in self._handlers.get(type(event), ()):
            try:
                handler(event)
            except Exception as error:  # noqa: BLE001 — one handler's failure is never the caller's
                self.failed(event, handler, error)
