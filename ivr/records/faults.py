"""What kind of fault stopped a record from being written, in words /healthz may show.

/healthz is unauthenticated: it says what kind of fault it is ("the database cannot be
reached"), never the database's host and port, a path or an exception's text; those are in
the log, written when the fault happens.
"""

from __future__ import annotations

import errno

from sqlalchemy import exc

# Kinds of database fault (the `kind` label of ivr_record_write_error_timestamp_seconds), and what
# /healthz says for each.
DATABASE_FAULTS = {
    "unreachable": "the database cannot be reached",
    "timeout": "the database did not answer in time",
    "locked": "the database is locked",
    "read_only": "the database cannot be written (read-only)",
    "disk_full": "the database's disk is full",
    "disk_error": "the database's disk cannot be read or written",
    "schema": "the database's tables cannot be brought up to date",
    "no_connection": "no database connection was free in time",
    "refused": "the database refused the write",
}

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE = {5: "locked", 6: "locked", 8: "read_only", 10: "disk_error", 13: "disk_full", 14: "unreachable"}
_SQLITE_WORDS = (("locked", "locked"), ("busy", "locked"), ("readonly", "read_only"),
                 ("read-only", "read_only"), ("disk is full", "disk_full"), ("disk i/o", "disk_error"),
                 ("unable to open", "unreachable"))
# PostgreSQL's SQLSTATE codes and classes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_POSTGRES = {"57014": "timeout", "55P03": "locked", "40P01": "locked", "25006": "read_only",
             "53100": "disk_full", "57P01": "unreachable", "57P02": "unreachable", "57P03": "unreachable"}
_POSTGRES_CLASSES = {"08": "unreachable", "53": "disk_full", "3D": "unreachable", "28": "unreachable"}
_OS = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "read_only",
       errno.EACCES: "read_only", errno.EPERM: "read_only", errno.ENOENT: "unreachable",
       errno.ENOTDIR: "unreachable", errno.ETIMEDOUT: "timeout", errno.EIO: "disk_error"}


def database_fault(error: BaseException) -> str:
    """The kind of a failed write's fault, a key of DATABASE_FAULTS."""
    if isinstance(error, exc.TimeoutError):  # the pool had no connection to give
        return "no_connection"
    cause = getattr(error, "orig", None) or error
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _SQLITE:
        return _SQLITE[code & 0xFF]
    state = getattr(cause, "sqlstate", None)
    if state:
        return _POSTGRES.get(state) or _POSTGRES_CLASSES.get(state[:2], "refused")
    if isinstance(cause, OSError):
        return _OS.get(cause.errno, "refused")
    if type(cause).__module__.startswith("sqlite3"):
        words = str(cause).lower()
        return next((kind for word, kind in _SQLITE_WORDS if word in words), "refused")
    if isinstance(error, exc.OperationalError) or type(cause).__module__.startswith("psycopg"):
        return "unreachable"  # no SQLSTATE: the client could not connect, or lost its connection
    return "refused"


def spool_fault(error: OSError) -> str:
    """What /healthz says when the spool cannot be written."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the spool's disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR,
                       errno.EISDIR, errno.EEXIST):
        return "the spool directory cannot be written"
    return "the spool cannot be written"
