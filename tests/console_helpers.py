"""The operators' console for tests: an app on a SQLite file in tmp_path, accounts, logins."""

from __future__ import annotations

import re

from helpers import ROUTES

SECRET = "console-test-secret-0123456789abcdef0123"
PASSWORD = "correct horse battery staple"


def console_app(tmp_path, clock=None, **overrides):
    from ivr.console.app import create_console

    settings = {"console_secret": SECRET, "records_url": f"sqlite:///{tmp_path / 'console.sqlite3'}",
                "routes": str(ROUTES)}
    if clock is not None:
        settings["clock"] = clock
    app = create_console(settings | overrides)
    return app


def add_operator(app, name: str, role: str, password: str = PASSWORD):
    return app.extensions["ivr.console"].accounts.add(name, role, password)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def log_in(client, name: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    token = csrf(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})
