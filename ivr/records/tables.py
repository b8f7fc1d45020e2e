"""Call records' tables: one row per CallSid with its steps, the caller only as a keyed hash."""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        DateTime,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
)

metadata = MetaData()

calls = Table(
    "calls", metadata,
    Column("call_sid", String(34), primary_key=True),
    Column("caller_hash", String(64), index=True),
    Column("started_at", DateTime(timezone=True), index=True),
    Column("ended_at", DateTime(timezone=True)),
    Column("call_status", String(16)),
    Column("duration_s", Integer),
    Column("steps", Integer, nullable=False, default=0),
    Column("path", Text, nullable=False, default=""),
    Column("topic", String(80)),
    Column("topic_label", String(200)),
    Column("desk", String(64)),
    Column("delivery", String(16)),
    Column("transfer_result", String(16)),
    Column("desk_closed", Boolean),
    Column("end_reason", String(32)),
    # The newest step folded into the summary: a later step is added to it without reading the others.
    Column("last_seq", BigInteger),
    Column("last_outcome", String(32)),
    Column("closure_day", Boolean),  # the call came on a day the calendar closed some desk
    Column("announced", Boolean),  # the caller heard a dated announcement
)

call_steps = Table(
    "call_steps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_sid", String(34), ForeignKey("calls.call_sid", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("seq", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("endpoint", String(16), nullable=False),
    Column("menu", String(64)),
    Column("key", String(8)),
    Column("digits", String(8)),
    Column("dial_status", String(16)),
    Column("outcome", String(32), nullable=False),
    Column("desk", String(64)),
    Column("desk_closed", Boolean),
    Column("topic", String(80)),
    Column("topic_label", String(200)),
    Column("request_id", String(64)),
    Column("record_id", String(32)),
    Column("closure_day", Boolean),
    Column("announced", Boolean),
    Index("ux_call_steps_request", "call_sid", "request_id", unique=True),
    Index("ux_call_steps_record", "call_sid", "record_id", unique=True),
)

# Text messages callers asked for: counted against the limits, shared by every worker and
# replica. The caller appears only as the keyed hash; the number itself is never stored.
text_messages = Table(
    "text_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_sid", String(34), nullable=False, index=True),
    Column("caller_hash", String(64), nullable=False),
    Column("day", String(10), nullable=False),  # the Japan date, YYYY-MM-DD
    Column("at", DateTime(timezone=True), nullable=False),
    Column("desk", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # queued, sent, refused, failed, unreachable, dropped
    Column("error", String(16)),  # Twilio's error code or HTTP status, when not sent
    Column("message_sid", String(34)),
    Index("ix_text_messages_day_caller", "day", "caller_hash"),
)

# Versions of routes.yaml, as published by the operators: the exact text of each (as read from
# the file, byte for byte once encoded as UTF-8), never changed once written; one is published.
routes_versions = Table(
    "routes_versions", metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the text's UTF-8 bytes; the digest is its start
    Column("author", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The version every server serves: one row (id 1), read once a second by every worker.
routes_published = Table(
    "routes_published", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("number", Integer, ForeignKey("routes_versions.number"), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# Who published, rolled back or was refused, when, and from which version to which.
routes_audit = Table(
    "routes_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_version", Integer),
    Column("to_version", Integer),
    Column("detail", Text, nullable=False),
)

# Reloads the line's servers refused: a published version a server would not load. One row per
# Japan day, server, version and reason, counted (each worker that refuses it adds one), for the
# console's Today page; the reason as /healthz says it and in the operators' Japanese.
routes_refusals = Table(
    "routes_refusals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", String(10), nullable=False),  # the Japan date, YYYY-MM-DD
    Column("server", String(64), nullable=False),  # the host name (the pod's name in Kubernetes)
    Column("version", Integer, nullable=False),  # the version refused; 0: the routes file
    Column("reason_sha256", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("reason_ja", Text, nullable=False),
    Column("count", Integer, nullable=False),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Index("ux_routes_refusals", "day", "server", "version", "reason_sha256", unique=True),
)

# The operators' console: its accounts (the password only as a salted scrypt hash), the wrong
# passwords of the last minutes (so every worker and replica throttles logins alike), and the
# one draft of routes.yaml the center's staff are preparing.
console_accounts = Table(
    "console_accounts", metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # viewer, editor, publisher
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

console_login_failures = Table(
    "console_login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account", String(64), nullable=False),  # the name given, known or not
    Column("address", String(64), nullable=False),  # the client's address
    Index("ix_console_login_failures_account", "account", "at"),
    Index("ix_console_login_failures_address", "address", "at"),
)

console_drafts = Table(
    "console_drafts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # 1: the draft
    Column("text", Text, nullable=False),
    Column("base_version", Integer),  # the published version it was started from
    Column("author", String(200), nullable=False),  # who changed it last
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
