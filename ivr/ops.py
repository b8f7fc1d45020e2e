"""Endpoints for the maintainers: unauthenticated, cheap, and saying nothing about callers."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> dict:
    """Liveness and readiness: status, version and the loaded routes' digest."""
    line = current_app.extensions["ivr"]
    return {"status": "ok", "version": line.version, "routes": line.flow.routes.digest}
