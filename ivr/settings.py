"""The line's settings: one object, read from the environment once, in create_app.

Every variable is in the settings table of docs/serving.md; no other module reads the environment
for a setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime

from .clock import japan_now
from .core.notices import notice

DEFAULT_SQLITE = "ivr-records.sqlite3"
DEFAULT_METRICS_BIND = "127.0.0.1:9464"
STEP_LOG_MODES = ("auto", "stderr", "off")


class ConfigError(Exception):
    """The app cannot start with the settings it was given."""


@dataclass(frozen=True)
class Settings:
    """Everything the app is configured with; `from_environ` names each variable."""

    routes: str = "routes.yaml"  # IVR_ROUTES
    auth_token: str = ""  # TWILIO_AUTH_TOKEN
    account_sid: str = ""  # TWILIO_ACCOUNT_SID (ivr twilio configure only)
    dev: bool = False  # IVR_DEV=1
    trusted_proxies: int = 0  # IVR_TRUSTED_PROXIES
    records_url: str | None = None  # DATABASE_URL, else IVR_RECORDS_DB; None: records off
    records_timeout: float = 5.0  # IVR_RECORDS_TIMEOUT
    records_spool: str = ""  # IVR_RECORDS_SPOOL: a directory, "" for the default, "off"
    caller_hash_key: str = ""  # IVR_CALLER_HASH_KEY
    step_log: str = "auto"  # IVR_STEP_LOG
    metrics_dir: str | None = None  # PROMETHEUS_MULTIPROC_DIR
    metrics_bind: str = DEFAULT_METRICS_BIND  # IVR_METRICS_BIND: HOST:PORT of /metrics, or "off"
    sms_from: str = ""  # IVR_SMS_FROM: without it no caller is offered a text message
    sms_per_day: str = "500"  # IVR_SMS_PER_DAY (checked when the texter is made)
    twilio_api_url: str = ""  # IVR_TWILIO_API_URL: "" for Twilio's own
    console_secret: str = ""  # IVR_CONSOLE_SECRET: signs the operators' console's sessions
    console_insecure_cookies: bool = False  # IVR_CONSOLE_INSECURE_COOKIES=1: cookies over plain HTTP
    clock: Callable[[], datetime] = japan_now  # not a variable: tests pin it
    sms_texter: object = None  # not a variable: the terminal phone's rehearsal texter

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """The settings in `environ` (default: the process environment), then `overrides`."""
        env = os.environ if environ is None else environ
        settings = cls(
            routes=env.get("IVR_ROUTES", "routes.yaml"),
            auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            dev=env.get("IVR_DEV", "") == "1",
            trusted_proxies=_number(env, "IVR_TRUSTED_PROXIES", int, 0),
            records_url=records_url(env),
            records_timeout=_number(env, "IVR_RECORDS_TIMEOUT", float, 5.0),
            records_spool=env.get("IVR_RECORDS_SPOOL", "").strip(),
            caller_hash_key=env.get("IVR_CALLER_HASH_KEY", ""),
            step_log=env.get("IVR_STEP_LOG", "auto") or "auto",
            metrics_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            metrics_bind=env.get("IVR_METRICS_BIND", "").strip() or DEFAULT_METRICS_BIND,
            sms_from=env.get("IVR_SMS_FROM", "").strip(),
            sms_per_day=env.get("IVR_SMS_PER_DAY", "").strip() or "500",
            twilio_api_url=env.get("IVR_TWILIO_API_URL", "").strip(),
            console_secret=env.get("IVR_CONSOLE_SECRET", ""),
            console_insecure_cookies=env.get("IVR_CONSOLE_INSECURE_COOKIES", "") == "1",
        )
        settings = settings.replace(**overrides)
        settings.metrics_address  # noqa: B018 — checked now, so a wrong one stops the start
        return settings

    def replace(self, **overrides) -> Settings:
        """These settings with some changed; an unknown name is an error, not ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(self, **overrides)

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """(host, port) where /metrics is served apart from the webhooks; None if "off"."""
        if self.metrics_bind.lower() == "off":
            return None
        host, _, port = self.metrics_bind.rpartition(":")
        host = host.strip("[]")  # [::]:9464
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            # TRANSLATORS: a server refuses to start: IVR_METRICS_BIND is not an address like 0.0.0.0:9464.
            raise ConfigError(notice("IVR_METRICS_BIND=%(value)s is not HOST:PORT (e.g. 0.0.0.0:9464) or off",
                                     value=repr(self.metrics_bind)))
        return host, int(port)

    @property
    def caller_key(self) -> bytes | None:
        """The HMAC key for callers' numbers; None without one."""
        return self.caller_hash_key.encode("utf-8") if self.caller_hash_key else None


def _number(environ: Mapping[str, str], name: str, kind: type, default):
    """The number in a variable (`kind`: int or float), its default when unset or empty."""
    value = environ.get(name, "")
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        if kind is int:
            # TRANSLATORS: a server refuses to start: a setting that must be a whole number is not.
            raise ConfigError(notice("%(name)s=%(value)s is not a whole number", name=name,
                                     value=repr(value))) from None
        # TRANSLATORS: a server refuses to start: a setting that must be a number (of seconds) is not.
        raise ConfigError(notice("%(name)s=%(value)s is not a number", name=name, value=repr(value))) from None


def records_url(environ: Mapping[str, str]) -> str | None:
    """DATABASE_URL, else the SQLite file IVR_RECORDS_DB (default ivr-records.sqlite3); None if off."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    path = environ.get("IVR_RECORDS_DB", DEFAULT_SQLITE).strip()
    if path.lower() in {"", "off", "none"}:
        return None
    return "sqlite:///" + os.path.abspath(path)
