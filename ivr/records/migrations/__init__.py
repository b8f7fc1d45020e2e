"""Alembic migrations of the call records schema (run by `ivr db upgrade` or at first write)."""
