"""Databases for record tests (a SQLite file, and PostgreSQL when CI provides one) and calls.

Its fixtures (`database`, `own_postgres`) are shared by every test module (conftest.py registers
this module as a plugin); its functions and constants are imported as usual.
"""

from __future__ import annotations

import os
import secrets
from urllib.parse import quote

import pytest
from helpers import TOKEN, line_app
from sqlalchemy import create_engine, select, text

from ivr.operators.phone import Call, scripted
from ivr.records.tables import call_steps, calls
from ivr.records.database import upgrade
from ivr.web import wired

HASH_KEY = "test-caller-hash-key"
CALLER = "+819011112222"
PG_SKIP = "IVR_TEST_DATABASE_URL is not set: PostgreSQL tests run in CI (.ci/setup.d/postgres.sh)"


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'records.sqlite3'}"


def postgres_url():
    """A fresh schema in the CI database; yields its URL, drops it afterwards."""
    base = os.environ.get("IVR_TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP)
    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The URL of an empty records database, once per backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        yield from postgres_url()


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of the test's own (loadtest/pgserver.py), which it may stop and restart."""
    import pgserver

    if pgserver.binaries() is None:
        pytest.skip("PostgreSQL binaries are not installed (.ci/setup.d/postgres.sh installs them)")
    server = pgserver.PostgresServer()
    yield server
    server.stop()


def record_app(database: str | None, clock, **overrides):
    """The tests' app (`make_app`'s) writing call records to `database` (None: records off)."""
    settings = {"records_url": database, "caller_hash_key": HASH_KEY, "step_log": "off"}
    return line_app(clock, **(settings | overrides))


def place_call(app, keys: list[str], dial_status: str = "completed", caller: str = CALLER,
               status: str | None = "completed", duration: int = 42) -> Call:
    """A whole call following the TwiML; Twilio's status callback at the end unless status=None."""
    call = Call(app, TOKEN, caller, dial_status)
    events = call.run(scripted(keys), lambda event: None)
    assert not [e for e in events if e.kind == "error"], events
    if status is not None:
        response = call.post("/voice/status", {"CallStatus": status, "CallDuration": str(duration)})
        assert response.status_code == 204
    return call


def drained(app):
    assert wired(app).records.drain(30), "records not written within 30 s"
    return app


def stored(database: str) -> tuple[list[dict], list[dict]]:
    """Every call row and step row in the database (its schema created if nothing was written)."""
    engine = create_engine(database)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(select(calls).order_by(calls.c.started_at)).mappings().all()
            steps = connection.execute(
                select(call_steps).order_by(call_steps.c.seq)).mappings().all()
    finally:
        engine.dispose()
    return [dict(r) for r in rows], [dict(s) for s in steps]
