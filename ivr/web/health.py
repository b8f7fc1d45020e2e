"""Endpoints for the maintainers: unauthenticated, cheap, and saying nothing about callers."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> dict:
    """Liveness and readiness: status, versions, the routes served and the last refused reload."""
    line = current_app.extensions["ivr"]
    line.current()
    return line.health()
