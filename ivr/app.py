"""The web app: `create_app` reads the settings once and wires routes, webhooks, metrics,
logs and call records, in that order, in one place."""

from __future__ import annotations

import logging
from functools import partial
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from flask import Flask

from .clock import japan_holidays
from .core.readings import Reader
from .settings import ConfigError, Settings
from .web.served import Line

__all__ = ["ConfigError", "create_app"]
log = logging.getLogger("ivr")
MAX_BODY = 64 * 1024  # bytes of request body a webhook may send


def _version() -> str:
    try:
        return package_version("meiwaku-ivr")
    except PackageNotFoundError:
        return "unknown"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment (IVR_ROUTES, TWILIO_AUTH_TOKEN, …) and overrides.

    `overrides` are Settings fields by name (`{"routes": …, "clock": …}`), applied after the
    environment is read; tests use them.
    """
    from .core.wording import load_translations
    from .observability import logs
    from .observability.callers import warn_without_key
    from .observability.metrics import Metrics
    from .records.listener import record_end, record_step
    from .records.writer import RecordWriter
    from .sms.texter import make_texter
    from .web import health, status, webhooks

    settings = Settings.from_environ(**(overrides or {}))
    if not settings.auth_token and not settings.dev:
        raise ConfigError(
            "TWILIO_AUTH_TOKEN is not set: the line cannot check that requests come from "
            "Twilio. Set it, or run the local development mode (ivr serve --dev)."
        )
    if settings.dev:
        log.warning("DEVELOPMENT MODE: requests are not checked against Twilio signatures "
                    "when no TWILIO_AUTH_TOKEN is set. Never expose this server.")
    warn_without_key(settings)

    app = Flask("ivr")
    # Twilio's webhook forms are a few KB: anything bigger is refused (413) before it is parsed.
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY)
    app.extensions["ivr.settings"] = settings
    published = None
    if settings.records_url:
        from .web.published import PublishedRoutes

        # The routes served are the version published in the records database (ivr routes).
        published = PublishedRoutes(settings.records_url, settings.records_timeout)
    line = Line(settings.routes, Reader(load_translations()), japan_holidays().__contains__, _version(),
                published)
    app.extensions["ivr"] = line
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)

    # Listeners hear every step and every call's end, in this order: metrics, records, logs.
    metrics = Metrics(settings.metrics_dir)
    app.extensions["ivr.metrics"] = metrics
    line.on_refused.append(metrics.reload_refused)
    line.on_accepted.append(metrics.reload_accepted)
    app.after_request(health.count_response)
    steps, ends = [metrics.observe_step], [metrics.call_ended]
    if settings.records_url:
        spool = settings.records_spool
        if spool.lower() == "off":
            log.warning("the record spool is off (IVR_RECORDS_SPOOL=off): records queued in a "
                        "worker that is killed are lost")
        writer = RecordWriter(settings.records_url, settings.records_timeout,
                              spool=None if spool.lower() == "off" else spool,
                              on_failure=metrics.record_failed, on_retry=metrics.record_retried,
                              observe=metrics.records_state)
        app.extensions["ivr.records"] = writer
        steps.append(partial(record_step, writer))
        ends.append(partial(record_end, writer))
        if published is not None:  # refused reloads reach the console's Today page too
            from .records.refusals import RefusedReloads

            refusals = RefusedReloads(settings.records_url, settings.records_timeout, settings.clock)
            app.extensions["ivr.refusals"] = refusals
            line.on_refused.append(lambda refusal: refusals.heard(refusal, published.seen))
            if line.last_refused is not None:  # refused at start, before anyone listened
                refusals.heard(line.last_refused, published.seen)
    else:
        log.warning("call records are off (IVR_RECORDS_DB=off)")
    steps += logs.step_listeners(settings.step_log)
    ends += logs.end_listeners(settings.step_log)
    app.extensions["ivr.listeners"] = steps
    app.extensions["ivr.end_listeners"] = ends
    texter = make_texter(settings, metrics)
    if texter is not None:
        app.extensions["ivr.texter"] = texter

    app.register_blueprint(webhooks.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(health.bp)  # /healthz; /metrics is served apart (IVR_METRICS_BIND)
    return app
