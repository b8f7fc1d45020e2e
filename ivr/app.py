"""The web app: `create_app` reads the settings once and wires the line, step by step, in one
place: the bus, metrics and logs, call records, text messages, the routes served, the web."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from flask import Flask

from .core.notices import notice
from .settings import ConfigError, Settings

__all__ = ["ConfigError", "create_app"]
log = logging.getLogger("ivr")
MAX_BODY = 64 * 1024  # bytes of request body a webhook may send


def _version() -> str:
    try:
        return package_version("meiwaku-ivr")
    except PackageNotFoundError:
        return "unknown"


def _failed(event, handler, error: Exception) -> None:
    """A handler on the bus failed: logged, and the call goes on."""
    log.error("%s handler %r failed", type(event).__name__, handler, exc_info=error)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment (IVR_ROUTES, TWILIO_AUTH_TOKEN, …) and overrides.

    `overrides` are Settings fields by name (`{"routes": …, "clock": …}`), applied after the
    environment is read; tests use them.
    """
    from . import observability, records, sms, web
    from .calls.wiring import Wiring
    from .core.bus import Bus

    settings = _checked(Settings.from_environ(**(overrides or {})))
    app = Flask("ivr")
    # Twilio's webhook forms are a few KB: anything bigger is refused (413) before it is parsed.
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY)
    _behind_proxies(app, settings)
    # Handlers hear every step, call's end and reload, in this order: metrics, logs, records.
    bus = Bus(_failed)
    metrics = observability.init_app(settings, bus)
    writer = records.init_app(settings, bus, metrics)
    texter = sms.init_app(settings, metrics)
    line = _line(settings, bus)
    recorded = writer is not None and line.published is not None
    refusals = _record_refusals(settings, bus, line) if recorded else None
    web.init_app(app, Wiring(settings, line, bus, metrics, writer, texter, refusals))
    return app


def _checked(settings: Settings) -> Settings:
    """The settings, refused without a way to check Twilio's signatures outside development."""
    if not settings.auth_token and not settings.dev:
        # TRANSLATORS: ivr serve refuses to start without the token that checks Twilio's signatures.
        raise ConfigError(notice(
            "TWILIO_AUTH_TOKEN is not set: the line cannot check that requests come from "
            "Twilio. Set it, or run the local development mode (ivr serve --dev)."
        ))
    if settings.dev:
        log.warning("DEVELOPMENT MODE: requests are not checked against Twilio signatures "
                    "when no TWILIO_AUTH_TOKEN is set. Never expose this server.")
    return settings


def _behind_proxies(app: Flask, settings: Settings) -> None:
    """Werkzeug's ProxyFix for the IVR_TRUSTED_PROXIES in front of the line, if any."""
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)


def _record_refusals(settings: Settings, bus, line):
    """Refused reloads of published versions reach the records database (the console's Today
    page), the one refused at start, before any handler heard it, included."""
    from .core.events import ReloadRefused
    from .records.refusals import RefusedReloads

    refusals = RefusedReloads(settings.records_url, settings.records_timeout, settings.clock)
    bus.subscribe(ReloadRefused, lambda refusal: refusals.heard(refusal, line.published.seen))
    if line.last_refused is not None:
        refusals.heard(line.last_refused, line.published.seen)
    return refusals


def _line(settings: Settings, bus):
    """The routes served: the file, or with call records the version published in the records
    database (ivr routes); its reloads told on the bus."""
    from .clock import is_japan_holiday
    from .core.readings import Reader
    from .core.wording import load_translations
    from .web.served import Line

    published = None
    if settings.records_url:
        from .web.published import PublishedRoutes

        published = PublishedRoutes(settings.records_url, settings.records_timeout)
    return Line(settings.routes, Reader(load_translations()), is_japan_holiday,
                _version(), published, bus)
