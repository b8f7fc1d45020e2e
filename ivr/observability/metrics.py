"""Prometheus metrics, shared by gunicorn workers via PROMETHEUS_MULTIPROC_DIR and served apart from the
webhooks (GET /metrics on IVR_METRICS_BIND, by the gunicorn master: ivr.operators.server.serve_metrics)."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone

from ..core.events import CallEndEvent, ReloadAccepted, ReloadRefused, StepEvent
from ..core.outcomes import TRANSFERS, Outcome

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SMS_REQUESTS = ("queued", "over_call_limit", "over_caller_limit", "over_line_limit", "unavailable")
SMS_SENDS = ("sent", "refused", "failed", "unreachable")


class Metrics:
    """The line's counters and histograms, in one registry per app."""

    def __init__(self, shared_dir: str | None = None):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.shared_dir = shared_dir
        if shared_dir:
            os.makedirs(shared_dir, exist_ok=True)

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("ivr_http_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "status"], registry=r)
        self.step_seconds = Histogram("ivr_step_seconds", "Time to answer a webhook step",
                                      ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.outcomes = Counter("ivr_step_outcomes", "Webhook steps by outcome", ["outcome"],
                                registry=r)
        self.selections = Counter("ivr_menu_selections", "Options chosen, per menu and key",
                                  ["menu", "key"], registry=r)
        self.answers = Counter("ivr_answers", "Answers read out, per desk", ["desk"], registry=r)
        self.spoken = Counter("ivr_spoken", "Callers' words, by the topic understood (menu/key) "
                              "or not_understood; never the words", ["topic"], registry=r)
        self.transfers = Counter("ivr_transfers", "Transfers by outcome", ["outcome"], registry=r)
        self.refused = Counter("ivr_refused_signatures", "Webhooks refused for their signature",
                               registry=r)
        self.reload_failures = Counter("ivr_routes_reload_failures",
                                       "Edited routes files refused (counted by each worker)",
                                       registry=r)
        self.reload_refused_now = Gauge("ivr_routes_reload_refused",
                                        "1 while the newest routes file a live worker read was refused "
                                        "(older routes still serve); 0 once it serves the newest",
                                        multiprocess_mode="livemax", registry=r)
        self.record_failures = Counter("ivr_record_write_failures",
                                       "Call records that could not be written", ["reason"],
                                       registry=r)
        self.records_written = Counter("ivr_records_written", "Call records written (steps)",
                                       registry=r)
        self.record_retries = Counter("ivr_record_write_retries",
                                      "Failed record writes that wait and are tried again",
                                      ["reason"], registry=r)
        self.record_queue = Gauge("ivr_record_queue_depth", "Call records queued, not yet written",
                                  multiprocess_mode="livesum", registry=r)
        self.record_oldest = Gauge("ivr_record_queue_oldest_seconds",
                                   "Age of the oldest queued call record", multiprocess_mode="livemax",
                                   registry=r)
        self.record_error_time = Gauge("ivr_record_last_write_error_timestamp_seconds",
                                       "When a record write last failed (Unix time; 0: never)",
                                       multiprocess_mode="max", registry=r)
        self.write_error_kind = Gauge("ivr_record_write_error_timestamp_seconds",
                                      "When a record write last failed, by kind of fault (Unix time)",
                                      ["kind"], multiprocess_mode="max", registry=r)
        self.write_recovered = Gauge("ivr_record_write_recovered_timestamp_seconds",
                                     "When records were written again after a failed write (Unix time; 0: never)",
                                     multiprocess_mode="max", registry=r)
        self._written = 0
        self._state_lock = threading.Lock()  # the writer's thread and /healthz both report its state
        self._error_seen: dict | None = None  # the writer's last error, once its gauge is set
        self._recovery_seen: dict | None = None
        self.calls_ended = Counter("ivr_calls_ended", "Status callbacks by final CallStatus",
                                   ["status"], registry=r)
        self.sms_requests = Counter("ivr_sms_requests",
                                    "Text messages callers asked for, by what the line did",
                                    ["result"], registry=r)
        self.sms_sends = Counter("ivr_sms_sends", "Text messages handed to Twilio, by result",
                                 ["result"], registry=r)
        # Children the alert rules watch exist from the start at 0, so that their first
        # increase is seen (a series that appears already at 1 shows no increase).
        self.outcomes.labels(Outcome.ERROR)
        for result in SMS_REQUESTS:
            self.sms_requests.labels(result)
        for result in SMS_SENDS:
            self.sms_sends.labels(result)

    def record_failed(self, reason: str) -> None:
        """A record was dropped or could not be written."""
        self.record_failures.labels(reason=reason[:40]).inc()

    def record_retried(self, reason: str) -> None:
        """A record write failed; the records wait and it is tried again."""
        self.record_retries.labels(reason=reason[:40]).inc()
        self.record_error_time.set(time.time())

    def records_state(self, state: dict) -> None:
        """The record writer's queue and last write error, as its thread (or /healthz) sees them."""
        with self._state_lock:
            self.record_queue.set(state["queued"])
            self.record_oldest.set(state["oldest_queued_seconds"])
            if state["written"] > self._written:
                self.records_written.inc(state["written"] - self._written)
                self._written = state["written"]
            error = state.get("last_write_error")
            if error is not None and error is not self._error_seen:  # each failed write is a new one
                self._error_seen = error
                self.write_error_kind.labels(kind=error.get("kind", "refused")).set(time.time())
            if error is not None and error.get("recovered_at") and error is not self._recovery_seen:
                self._recovery_seen = error
                self.write_recovered.set(time.time())

    def records_overview(self) -> dict:
        """The whole server's records (every live worker's queue; what every worker wrote and gave
        up since the server started; the latest failed write, its kind, and whether writing
        recovered since), from the metrics the workers share, or this process's own."""
        queued = oldest = written = lost = recovered = 0.0
        kinds: dict[str, float] = {}
        for family in self._families():
            for sample in family.samples:
                name, value = sample.name, sample.value
                if name == "ivr_record_queue_depth":
                    queued += value
                elif name == "ivr_record_queue_oldest_seconds":
                    oldest = max(oldest, value)
                elif name == "ivr_records_written_total":
                    written += value
                elif name == "ivr_record_write_failures_total":
                    lost += value
                elif name == "ivr_record_write_recovered_timestamp_seconds":
                    recovered = max(recovered, value)
                elif name == "ivr_record_write_error_timestamp_seconds" and value > 0:
                    kind = sample.labels.get("kind", "")
                    kinds[kind] = max(kinds.get(kind, 0.0), value)
        last = max(kinds.items(), key=lambda item: item[1]) if kinds else None
        return {"queued": int(queued), "oldest_queued_seconds": round(oldest, 3), "written": int(written),
                "lost": int(lost), "last_write_error": None if last is None else {
                    "at": _iso(last[1]), "kind": last[0],
                    "recovered_at": _iso(recovered) if recovered >= last[1] else None}}

    def _families(self):
        return self.collected().collect()

    def collected(self):
        """A registry of every process's metrics when PROMETHEUS_MULTIPROC_DIR is set (summed as
        each metric's mode says), else this process's own."""
        if not self.shared_dir:
            return self.registry
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.shared_dir)
        return registry

    def sms_requested(self, result: str) -> None:
        """A caller asked for a text message: queued, over_call_limit, over_caller_limit,
        over_line_limit or unavailable."""
        self.sms_requests.labels(result=result).inc()

    def sms_sent(self, result: str) -> None:
        """The background sender is done with a message: sent, refused, failed or unreachable."""
        self.sms_sends.labels(result=result).inc()

    def call_ended(self, event: CallEndEvent) -> None:
        """Call-end handler: Twilio reported the end of a call."""
        self.calls_ended.labels(status=event.status).inc()

    def observe_step(self, event: StepEvent) -> None:
        """Step handler: latency, outcome, selection, answer and transfer counters."""
        self.step_seconds.labels(event.endpoint).observe(event.seconds)
        self.outcomes.labels(event.outcome).inc()
        if event.chosen:
            self.selections.labels(event.menu, event.chosen).inc()
        if event.outcome == Outcome.ANSWER and event.desk:
            self.answers.labels(event.desk).inc()
        if event.heard is not None:
            self.spoken.labels(event.heard).inc()
        if event.outcome in TRANSFERS:
            self.transfers.labels(event.outcome).inc()

    def count_response(self, endpoint: str, status: int, webhook: bool) -> None:
        """One HTTP response (endpoint "unmatched" for unknown paths); a webhook's 403 is a refused signature."""
        self.requests.labels(endpoint, str(status)).inc()
        if status == 403 and webhook:
            self.refused.inc()

    def reload_refused(self, event: ReloadRefused) -> None:
        """Reload handler: the line refused an edited routes file."""
        self.reload_failures.inc()
        self.reload_refused_now.set(1)

    def reload_accepted(self, event: ReloadAccepted) -> None:
        """Reload handler: the line serves the routes file it read last: no refusal stands."""
        self.reload_refused_now.set(0)

    def exposition(self) -> tuple[bytes, str]:
        """The text format, summed over every worker when PROMETHEUS_MULTIPROC_DIR is set."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.collected()), CONTENT_TYPE_LATEST


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")
