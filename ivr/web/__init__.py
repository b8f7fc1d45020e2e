"""The Flask edge: Twilio's webhooks and status callback, TwiML, /healthz.

The app keeps what `create_app` wired as one extension, `app.extensions["ivr"]` (an
`ivr.calls.wiring.Wiring`), read through `wired()`.
"""

from __future__ import annotations

from flask import current_app

KEY = "ivr"


def wired(app=None):
    """What `create_app` wired for `app` (default: the app of the current request): an
    `ivr.calls.wiring.Wiring`; None for an app that is not the line's."""
    if app is None:
        app = current_app._get_current_object()
    extensions = getattr(app, "extensions", None)
    return extensions.get(KEY) if isinstance(extensions, dict) else None


def init_app(app, wiring) -> None:
    """Keep `wiring` as the app's one extension; register the webhooks, the status callback,
    /healthz and the counter of HTTP responses."""
    from . import health, status, webhooks

    app.extensions[KEY] = wiring
    app.after_request(health.count_response)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(health.bp)  # /healthz; /metrics is served apart (IVR_METRICS_BIND)
