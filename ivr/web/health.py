"""Endpoints for the maintainers: unauthenticated, cheap, and saying nothing about callers."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> dict:
    """Liveness and readiness: status, versions, the routes served, the last refused reload, records.

    Records in trouble do not make the line unhealthy (calls go on; the records wait): they
    show under `records`, this worker's queue and last write error.
    """
    line = current_app.extensions["ivr"]
    line.current()
    health = line.health()
    writer = current_app.extensions.get("ivr.records")
    if writer is not None:
        writer.start()  # a worker with no call yet still replays spools left by one that is gone
        health["records"] = writer.state()
    return health
