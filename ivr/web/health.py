"""Endpoints for the maintainers: unauthenticated, cheap, and saying nothing about callers."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

bp = Blueprint("ops", __name__)
metrics_bp = Blueprint("metrics", __name__)
WEBHOOK_BLUEPRINTS = frozenset({"ivr", "status"})


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


@metrics_bp.get("/metrics")
def metrics() -> Response:
    """Prometheus scrape endpoint: counts and timings only, nothing about any caller."""
    for refresh in current_app.extensions.get("ivr.metrics_refresh", ()):
        refresh()  # gauges this worker keeps, brought up to date
    body, content_type = current_app.extensions["ivr.metrics"].exposition()
    return Response(body, content_type=content_type)


def count_response(response: Response) -> Response:
    """after_request: count every response by endpoint and status, and refused signatures."""
    rule = request.url_rule
    current_app.extensions["ivr.metrics"].count_response(
        rule.endpoint if rule is not None else "unmatched", response.status_code,
        request.blueprint in WEBHOOK_BLUEPRINTS)
    return response
