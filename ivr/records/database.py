"""The records database: SQLite or PostgreSQL (the URL comes from the settings); Alembic migrations."""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, create_engine, delete, event, func, or_, select, text, update
from sqlalchemy.engine import Connection, Engine, make_url

from .summary import SUMMARY, CallEnd, StepRecord, add_steps, empty_summary, utc
from .tables import call_steps, calls, routes_refusals, text_messages

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x1F0_2026  # PostgreSQL advisory lock held while migrating (sms/ledger.py has the next)
POOL_SIZE, POOL_OVERFLOW = 2, 2  # connections an engine keeps open, and opens beyond them at most
_MIGRATING = threading.Lock()  # alembic's context is process-global


def make_engine(url: str, busy_timeout: float = 5.0, statement_timeout: float | None = None) -> Engine:
    """An engine whose waits on locks and connections are bounded by `busy_timeout`.

    At most POOL_SIZE + POOL_OVERFLOW connections, and a wait for one bounded by `busy_timeout`
    too. SQLite: a connection that finds it cannot write (opened while the file was read-only)
    is thrown away with every other connection of the pool (SQLAlchemy's disconnect handling),
    so writing resumes once the file is writable again. PostgreSQL: a connect timeout, TCP
    keepalives and a TCP user timeout, so that a server gone from the network is noticed, and
    with `statement_timeout` (seconds) every statement is bounded on the server.
    """
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": busy_timeout}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout}, **pool)
        lock_wait = _milliseconds(busy_timeout)

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            connection.isolation_level = None  # transactions are begun below, DDL included
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "checkout")
        def _lock_wait(connection, _record, _proxy) -> None:
            # Every use starts with the engine's wait for the write lock (a text message's
            # count narrows it to what is left of its 2 s).
            connection.execute(f"PRAGMA busy_timeout = {lock_wait}")

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            # Take the write lock at the start: no deadlock between two upgrading readers.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "handle_error")
        def _read_only(context) -> None:
            if _cannot_write(context.original_exception):
                context.is_disconnect = True  # this connection and the pool's others are discarded

        return engine
    seconds = max(1, math.ceil(busy_timeout))
    connect_args = {"connect_timeout": seconds,  # psycopg waits 2 s at least
                    "keepalives": 1, "keepalives_idle": seconds, "keepalives_interval": 1,
                    "keepalives_count": 3, "tcp_user_timeout": _milliseconds(busy_timeout)}
    if statement_timeout:
        given = make_url(url).query.get("options") or ""
        given = " ".join(given) if isinstance(given, tuple) else given
        connect_args["options"] = f"{given} -c statement_timeout={_milliseconds(statement_timeout)}".strip()
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **pool)


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _cannot_write(error: BaseException | None) -> bool:
    """SQLite's SQLITE_READONLY: this connection opened the file read-only, and stays so."""
    code = getattr(error, "sqlite_errorcode", None)  # SQLite's own errors carry it
    return isinstance(error, sqlite3.OperationalError) and code is not None and (
        code & 0xFF == sqlite3.SQLITE_READONLY)


def sqlite_file(engine: Engine) -> tuple[int, int] | None:
    """(device, inode) of the SQLite file at the engine's path; None if it is not there, or not SQLite."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    try:
        found = os.stat(engine.url.database)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def prepare(url: str) -> None:
    """Import what migrating and connecting to `url` need (alembic, the driver), so that workers
    forked later (gunicorn preloads the app) find them loaded: their first migration is quick."""
    from alembic import command  # noqa: F401

    make_url(url).get_dialect().import_dbapi()


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
            connection.execute(text("SET LOCAL statement_timeout = 0"))  # a migration is never cut short
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, None if never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _insert_ignoring_duplicate(connection: Connection):
    """INSERT INTO calls … ON CONFLICT (call_sid) DO NOTHING, in the database's dialect."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(calls).on_conflict_do_nothing(index_elements=["call_sid"])


STEP_FIELDS = ("endpoint", "menu", "key", "digits", "dial_status", "outcome", "desk",
               "desk_closed", "topic", "topic_label", "closure_day", "announced")
_UPDATED = SUMMARY + ("last_seq", "started_at", "caller_hash", "ended_at", "call_status",
                      "duration_s")


def _step_values(record: StepRecord) -> dict:
    return {name: getattr(record, name) for name in STEP_FIELDS} | {
        "call_sid": record.call_sid, "seq": record.seq, "at": utc(record.at),
        "request_id": record.request_id, "record_id": record.record_id}


def write_batch(engine: Engine, items: list[StepRecord | CallEnd]) -> int:
    """Write many records in one transaction; how many steps were new.

    Each call's row is locked, its summary advanced by its new steps (read from the row, not
    recomputed from all the steps unless a step arrives older than the newest one kept), and
    steps already written (Twilio's retries, records replayed from a spool) are skipped.
    Steps answered by different workers, in any order, and repeated status callbacks still
    make exactly one record.
    """
    if not items:
        return 0
    steps: dict[str, list[StepRecord]] = {}
    ends: dict[str, CallEnd] = {}
    first: dict[str, StepRecord | CallEnd] = {}
    for item in items:
        first.setdefault(item.call_sid, item)
        if isinstance(item, CallEnd):
            ends.setdefault(item.call_sid, item)
        else:
            steps.setdefault(item.call_sid, []).append(item)
    sids = sorted(first)  # one order for every writer: rows are locked without deadlocks
    with engine.begin() as connection:
        connection.execute(_insert_ignoring_duplicate(connection), [
            {"call_sid": sid, "caller_hash": first[sid].caller_hash, "started_at": utc(first[sid].at),
             "steps": 0, "path": ""} for sid in sids])
        rows = {r["call_sid"]: dict(r) for r in connection.execute(
            select(calls).where(calls.c.call_sid.in_(sids)).order_by(calls.c.call_sid)
            .with_for_update()).mappings()}
        fresh = _new_steps(connection, steps)
        updates = []
        for sid in sids:
            row, new = rows[sid], sorted(fresh.get(sid, ()), key=lambda r: r.seq)
            end = ends.get(sid)
            if not new and (end is None or row["ended_at"] is not None) and not (
                    first[sid].caller_hash and row["caller_hash"] is None):
                continue
            updates.append(_advanced(connection, row, new, end, first[sid].caller_hash))
        added = [_step_values(r) for sid in sids for r in fresh.get(sid, ())]
        if added:
            connection.execute(call_steps.insert(), added)
        if updates:
            connection.execute(
                update(calls).where(calls.c.call_sid == bindparam("b_call_sid"))
                .values({name: bindparam("b_" + name) for name in _UPDATED}),
                [{"b_" + name: value for name, value in u.items()} for u in updates])
    return len(added)


def _new_steps(connection: Connection, steps: dict[str, list[StepRecord]]) -> dict[str, list]:
    """The steps of the batch not yet written, once each (the calls' rows are locked)."""
    if not steps:
        return {}
    request_ids = {r.request_id for rs in steps.values() for r in rs if r.request_id}
    record_ids = {r.record_id for rs in steps.values() for r in rs if r.record_id}
    seen: set[tuple[str, str, str]] = set()
    if request_ids or record_ids:
        for sid, request_id, record_id in connection.execute(
                select(call_steps.c.call_sid, call_steps.c.request_id, call_steps.c.record_id)
                .where(call_steps.c.call_sid.in_(sorted(steps)),
                       or_(call_steps.c.request_id.in_(sorted(request_ids)),
                           call_steps.c.record_id.in_(sorted(record_ids))))):
            if request_id:
                seen.add((sid, "request", request_id))
            if record_id:
                seen.add((sid, "record", record_id))
    fresh: dict[str, list[StepRecord]] = {}
    for sid, records in steps.items():
        for record in records:
            keys = [(sid, "request", record.request_id) if record.request_id else None,
                    (sid, "record", record.record_id) if record.record_id else None]
            if any(k in seen for k in keys if k):
                continue  # Twilio retried a webhook already recorded, or a replayed record
            seen.update(k for k in keys if k)
            fresh.setdefault(sid, []).append(record)
    return fresh


def _advanced(connection: Connection, row: dict, new: list[StepRecord], end: CallEnd | None,
              caller_hash: str | None) -> dict:
    """The call's row after its new steps and status callback."""
    call_status = row["call_status"]
    values = {"call_sid": row["call_sid"], "ended_at": row["ended_at"], "call_status": call_status,
              "duration_s": row["duration_s"], "caller_hash": row["caller_hash"] or caller_hash}
    if end is not None and row["ended_at"] is None:
        values.update(ended_at=utc(end.at), call_status=end.call_status, duration_s=end.duration_s)
        call_status = end.call_status
    summary = {name: row[name] for name in SUMMARY}
    last_seq = row["last_seq"]
    started = utc(row["started_at"]) if row["started_at"] is not None else None
    if new and last_seq is not None and new[0].seq < last_seq:
        # A step older than the newest one kept (another worker was slower): read them all.
        older = [dict(r) for r in connection.execute(
            select(call_steps).where(call_steps.c.call_sid == row["call_sid"])).mappings()]
        everything = sorted(older + [_step_values(r) for r in new], key=lambda r: r["seq"])
        summary = add_steps(empty_summary(), everything, call_status)
        last_seq = everything[-1]["seq"]
        started = min(utc(r["at"]) for r in everything)
    else:
        summary = add_steps(summary, [_step_values(r) for r in new], call_status)
        if new:
            earliest = min(utc(r.at) for r in new)
            started = earliest if not row["steps"] or started is None else min(started, earliest)
            last_seq = new[-1].seq
    return values | summary | {"last_seq": last_seq, "started_at": started}


def calls_between(engine: Engine, start: datetime, end: datetime) -> list[dict]:
    """Every call that started in [start, end)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(calls).where(calls.c.started_at >= utc(start), calls.c.started_at < utc(end))
            .order_by(calls.c.started_at)
        ).mappings().all()
    return [dict(r) | {"started_at": utc(r["started_at"]),
                       "ended_at": utc(r["ended_at"]) if r["ended_at"] else None} for r in rows]


def texts_between(engine: Engine, start: datetime, end: datetime) -> list[dict]:
    """Every text message counted in [start, end): desk, status, day; never the caller."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(text_messages.c.desk, text_messages.c.status, text_messages.c.day)
            .where(text_messages.c.at >= utc(start), text_messages.c.at < utc(end))
        ).mappings().all()
    return [dict(r) for r in rows]


def purge_before(engine: Engine, cutoff: datetime) -> int:
    """Delete every call (and its steps and text messages) that started before `cutoff`, and the
    refused reloads last seen before it; how many calls."""
    with engine.begin() as connection:
        old = select(calls.c.call_sid).where(calls.c.started_at < utc(cutoff))
        connection.execute(delete(text_messages).where(text_messages.c.at < utc(cutoff)))
        connection.execute(delete(routes_refusals).where(routes_refusals.c.last_at < utc(cutoff)))
        connection.execute(delete(call_steps).where(call_steps.c.call_sid.in_(old)))
        return connection.execute(delete(calls).where(calls.c.started_at < utc(cutoff))).rowcount


def count_calls(engine: Engine) -> int:
    """How many call records there are."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(calls)).scalar_one()
