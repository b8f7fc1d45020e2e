"""The records database: SQLite by default, PostgreSQL via DATABASE_URL; Alembic migrations."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select, text, update
from sqlalchemy.engine import Connection, Engine

from .summary import CallEnd, StepRecord, summarize, utc
from .tables import call_steps, calls

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE = "ivr-records.sqlite3"
MIGRATION_LOCK = 0x1F0_2026  # PostgreSQL advisory lock held while migrating
_MIGRATING = threading.Lock()  # alembic's context is process-global


def database_url(environ: dict | os._Environ = os.environ) -> str | None:
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


def make_engine(url: str, busy_timeout: float = 5.0) -> Engine:
    """An engine whose waits on locks and connections are bounded by `busy_timeout`."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            connection.isolation_level = None  # transactions are begun below, DDL included
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            # Take the write lock at the start: no deadlock between two upgrading readers.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2,
                         pool_timeout=busy_timeout,
                         connect_args={"connect_timeout": max(1, int(busy_timeout))})


def alembic_config(connection: Connection):
    """Alembic's configuration for the migrations shipped in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; safe when several workers start at once."""
    from alembic import command

    with _MIGRATING, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, None if never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _insert_ignoring_duplicate(connection: Connection, values: dict):
    """INSERT INTO calls … ON CONFLICT (call_sid) DO NOTHING, in the database's dialect."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(calls).values(**values).on_conflict_do_nothing(index_elements=["call_sid"])


def _refresh(connection: Connection, call_sid: str) -> None:
    """Recompute the call's summary from all its steps, whichever worker wrote them."""
    rows = connection.execute(
        select(call_steps).where(call_steps.c.call_sid == call_sid)
        .order_by(call_steps.c.seq, call_steps.c.id)
    ).mappings().all()
    call = connection.execute(select(calls).where(calls.c.call_sid == call_sid)).mappings().one()
    summary = summarize([dict(r) for r in rows], call["call_status"])
    if rows:
        summary["started_at"] = min(utc(r["at"]) for r in rows)
    connection.execute(update(calls).where(calls.c.call_sid == call_sid).values(**summary))


def _open_call(connection: Connection, call_sid: str, caller_hash: str | None, at) -> None:
    """Make sure the call has its row, then hold it until the transaction ends."""
    connection.execute(_insert_ignoring_duplicate(connection, {
        "call_sid": call_sid, "caller_hash": caller_hash, "started_at": at, "steps": 0, "path": ""}))
    connection.execute(select(calls.c.call_sid).where(calls.c.call_sid == call_sid).with_for_update())


def write_step(engine: Engine, record: StepRecord) -> None:
    """Add one step to its call's record, creating the record on the call's first step."""
    at = utc(record.at)
    with engine.begin() as connection:
        _open_call(connection, record.call_sid, record.caller_hash, at)
        if record.caller_hash:
            connection.execute(update(calls).where(calls.c.call_sid == record.call_sid,
                                                   calls.c.caller_hash.is_(None))
                               .values(caller_hash=record.caller_hash))
        if record.request_id and connection.execute(select(call_steps.c.id).where(
                call_steps.c.call_sid == record.call_sid,
                call_steps.c.request_id == record.request_id)).first():
            return  # Twilio retried a webhook we already recorded
        connection.execute(call_steps.insert().values(
            call_sid=record.call_sid, seq=record.seq, at=at, endpoint=record.endpoint,
            menu=record.menu, key=record.key, digits=record.digits,
            dial_status=record.dial_status, outcome=record.outcome, desk=record.desk,
            desk_closed=record.desk_closed, topic=record.topic, topic_label=record.topic_label,
            request_id=record.request_id))
        _refresh(connection, record.call_sid)


def write_end(engine: Engine, end: CallEnd) -> None:
    """Close the call's record with Twilio's final status; a repeated callback changes nothing."""
    at = utc(end.at)
    with engine.begin() as connection:
        _open_call(connection, end.call_sid, end.caller_hash, at)
        connection.execute(update(calls).where(calls.c.call_sid == end.call_sid,
                                               calls.c.ended_at.is_(None))
                           .values(ended_at=at, call_status=end.call_status,
                                   duration_s=end.duration_s))
        _refresh(connection, end.call_sid)


def calls_between(engine: Engine, start: datetime, end: datetime) -> list[dict]:
    """Every call that started in [start, end)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(calls).where(calls.c.started_at >= utc(start), calls.c.started_at < utc(end))
            .order_by(calls.c.started_at)
        ).mappings().all()
    return [dict(r) | {"started_at": utc(r["started_at"]),
                       "ended_at": utc(r["ended_at"]) if r["ended_at"] else None} for r in rows]


def purge_before(engine: Engine, cutoff: datetime) -> int:
    """Delete every call (and its steps) that started before `cutoff`; how many calls."""
    with engine.begin() as connection:
        old = select(calls.c.call_sid).where(calls.c.started_at < utc(cutoff))
        connection.execute(delete(call_steps).where(call_steps.c.call_sid.in_(old)))
        return connection.execute(delete(calls).where(calls.c.started_at < utc(cutoff))).rowcount


def count_calls(engine: Engine) -> int:
    """How many call records there are."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(calls)).scalar_one()
