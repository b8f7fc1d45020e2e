"""The operators' console as a Flask app: `create_console` reads the settings once and wires
the database, sessions, CSRF, security headers and the pages.

A web app of its own, never on the webhook port: the center's staff log in, prepare a draft of
routes.yaml with forms, check it as `ivr check` does, try a call, publish and roll back. Pages
are rendered on the server and work without JavaScript.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..core.notices import notice
from ..records import database as records_db
from ..settings import ConfigError, Settings
from .i18n import translations
from .site import Console

log = logging.getLogger("ivr.console")
HERE = Path(__file__).resolve().parent
MIN_SECRET = 32
SESSION_HOURS = 8
MAX_BODY = 2 * 1024 * 1024  # the YAML editor posts routes.yaml (at most 1 MiB) and a little more
# Nothing from elsewhere, no inline script or style, never inside another site's frame.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def create_console(overrides: dict | None = None) -> Flask:
    """The console, from the environment (IVR_CONSOLE_SECRET, DATABASE_URL or IVR_RECORDS_DB,
    IVR_ROUTES, …) and `overrides` (Settings fields by name; tests use them)."""
    settings = Settings.from_environ(**(overrides or {}))
    if len(settings.console_secret) < MIN_SECRET:
        # TRANSLATORS: ivr console refuses to start: the secret that signs logins is missing or short.
        raise ConfigError(notice("IVR_CONSOLE_SECRET must be set to a random value of at least %(least)s "
                                 "characters: it signs the console's sessions", least=MIN_SECRET))
    if not settings.records_url:
        # TRANSLATORS: ivr console refuses to start: no records database is set (records are off).
        raise ConfigError(notice("the console keeps its accounts, drafts and the routes' versions in the "
                                 "records database: set DATABASE_URL or IVR_RECORDS_DB (not off)"))
    engine = records_db.make_engine(settings.records_url, settings.records_timeout)
    records_db.upgrade(engine)

    app = Flask("ivr.console", template_folder=str(HERE / "templates"),
                static_folder=str(HERE / "static"), static_url_path="/static")
    app.config.update(
        SECRET_KEY=settings.console_secret,
        SESSION_COOKIE_NAME="ivr_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=not settings.console_insecure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        WTF_CSRF_SSL_STRICT=not settings.console_insecure_cookies,
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    CSRFProtect(app)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_translations(translations(), newstyle=True)
    app.extensions["ivr.console"] = Console(settings, engine)

    from . import auth, changes, pages, trying

    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(trying.bp)
    app.before_request(auth.load_operator)
    app.context_processor(auth.template_context)
    app.after_request(secure_headers)

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return render_template("error.html", kind="csrf"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("error.html", kind="forbidden"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", kind="missing"), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("error.html", kind="large"), 413

    @app.errorhandler(500)
    def failed(error):
        return render_template("error.html", kind="failed"), 500

    return app


def secure_headers(response):
    """Every answer: the strict policy, no framing, no sniffing; pages are never cached."""
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if response.mimetype == "text/html" or "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response
