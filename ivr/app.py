"""The web app: `create_app` wires the routes, the webhooks, metrics, logs and call records."""

from __future__ import annotations

import logging
import os
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from flask import Flask

from .clock import japan_holidays, japan_now
from .core.readings import Reader
from .routesfile.served import Line

log = logging.getLogger("ivr")


MAX_BODY = 64 * 1024  # bytes of request body a webhook may send


class ConfigError(Exception):
    """The app cannot start with the settings it was given."""


def _version() -> str:
    try:
        return package_version("meiwaku-ivr")
    except PackageNotFoundError:
        return "unknown"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment (IVR_ROUTES, TWILIO_AUTH_TOKEN, …) and overrides."""
    from .core.wording import load_translations
    from .observability import logs, metrics
    from .records import listener
    from .sms import texter
    from .web import health, webhooks
    from .web.forms import WebhookRequest

    app = Flask("ivr")
    app.request_class = WebhookRequest
    app.config.update(
        IVR_ROUTES=os.environ.get("IVR_ROUTES", "routes.yaml"),
        TWILIO_AUTH_TOKEN=os.environ.get("TWILIO_AUTH_TOKEN", ""),
        IVR_DEV=os.environ.get("IVR_DEV", "") == "1",
        IVR_TRUSTED_PROXIES=int(os.environ.get("IVR_TRUSTED_PROXIES", "0") or 0),
        CLOCK=japan_now,
        # Twilio's webhook forms are a few KB: anything bigger is refused (413) before it is parsed.
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
    )
    app.config.update(overrides or {})
    if not app.config["TWILIO_AUTH_TOKEN"] and not app.config["IVR_DEV"]:
        raise ConfigError(
            "TWILIO_AUTH_TOKEN is not set: the line cannot check that requests come from "
            "Twilio. Set it, or run the local development mode (ivr serve --dev)."
        )
    if app.config["IVR_DEV"]:
        log.warning("DEVELOPMENT MODE: requests are not checked against Twilio signatures "
                    "when no TWILIO_AUTH_TOKEN is set. Never expose this server.")
    reader = Reader(load_translations())
    calendar = japan_holidays()
    app.extensions["ivr"] = Line(app.config["IVR_ROUTES"], reader, calendar.__contains__, _version())
    proxies = app.config["IVR_TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies, x_prefix=proxies)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(health.bp)
    metrics.init_app(app)
    listener.init_app(app)
    texter.init_app(app)
    logs.init_app(app)
    return app
