"""/healthz for the maintainers, unauthenticated, cheap and saying nothing about callers; and the
response counter. (/metrics is served apart from the webhooks: ivr.operators.server.serve_metrics.)"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from ..records.faults import DATABASE_FAULTS
from . import wired

log = logging.getLogger("ivr")

bp = Blueprint("ops", __name__)
WEBHOOK_BLUEPRINTS = frozenset({"ivr", "status"})


@bp.get("/healthz")
def healthz() -> dict:
    """Liveness and readiness: status, versions, the routes served, the last refused reload, records.

    Records in trouble do not make the line unhealthy (calls go on; the records wait): they
    show under `records`, for the whole server (every worker), with the kind of the last
    fault in words, never its text.
    """
    wiring = wired()
    wiring.line.current()
    health = wiring.line.health()
    writer = wiring.records
    if writer is not None:
        writer.start()  # a worker with no call yet still replays spools left by one that is gone
        health["records"] = _records(writer, wiring.metrics)
    return health


def _records(writer, metrics) -> dict:
    """Every worker's queue and totals, read from the metrics they share; the last failed write
    and its kind; whether records are spooled, and this worker's spool fault if it has one."""
    writer.update_gauges()  # this worker's share, brought up to date
    own = writer.state()
    try:
        server = metrics.records_overview()
    except Exception:  # noqa: BLE001 — a damaged metrics file must not fail the probes: this worker's own
        log.exception("the workers' shared metrics cannot be read; /healthz shows this worker's records")
        server = own
    error = server["last_write_error"]
    return {"queued": server["queued"], "oldest_queued_seconds": server["oldest_queued_seconds"],
            "written": server["written"], "lost": server["lost"],
            "last_write_error": None if error is None else {
                "at": error["at"], "error": DATABASE_FAULTS.get(error.get("kind"), DATABASE_FAULTS["refused"]),
                "recovered_at": error["recovered_at"]},
            "spool": own["spool"], "spool_error": own["spool_error"]}


def count_response(response: Response) -> Response:
    """after_request: count every response by endpoint and status, and refused signatures."""
    current = request._get_current_object()
    rule = current.url_rule
    wired().metrics.count_response(
        rule.endpoint if rule is not None else "unmatched", response.status_code,
        current.blueprint in WEBHOOK_BLUEPRINTS)
    return response
