"""Prometheus metrics (served at GET /metrics); shared by gunicorn workers via PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import time

from ..core.events import CallEndEvent, StepEvent
from ..core.outcomes import TRANSFERS, Outcome

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
MAX_CHILDREN = 4096  # label combinations kept: endpoints, outcomes, menus × keys, desks, statuses


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
        self._written = 0
        self.calls_ended = Counter("ivr_calls_ended", "Status callbacks by final CallStatus",
                                   ["status"], registry=r)
        self.sms_requests = Counter("ivr_sms_requests",
                                    "Text messages callers asked for, by what the line did",
                                    ["result"], registry=r)
        self.sms_sends = Counter("ivr_sms_sends", "Text messages handed to Twilio, by result",
                                 ["result"], registry=r)
        self._children: dict[tuple, object] = {}

    def _child(self, metric, *values: str):
        """A metric's child for these label values, looked up once and kept."""
        child = self._children.get((metric, values))
        if child is None:
            if len(self._children) >= MAX_CHILDREN:
                self._children.clear()
            child = self._children[metric, values] = metric.labels(*values)
        return child

    def record_failed(self, reason: str) -> None:
        """A record was dropped or could not be written."""
        self.record_failures.labels(reason=reason[:40]).inc()

    def record_retried(self, reason: str) -> None:
        """A record write failed; the records wait and it is tried again."""
        self.record_retries.labels(reason=reason[:40]).inc()
        self.record_error_time.set(time.time())

    def records_state(self, state: dict) -> None:
        """The record writer's queue, as its thread sees it."""
        self.record_queue.set(state["queued"])
        self.record_oldest.set(state["oldest_queued_seconds"])
        if state["written"] > self._written:
            self.records_written.inc(state["written"] - self._written)
            self._written = state["written"]

    def sms_requested(self, result: str) -> None:
        """A caller asked for a text message: queued, over_call_limit, over_caller_limit,
        over_line_limit or unavailable."""
        self.sms_requests.labels(result=result).inc()

    def sms_sent(self, result: str) -> None:
        """The background sender is done with a message: sent, refused, failed or unreachable."""
        self.sms_sends.labels(result=result).inc()

    def call_ended(self, event: CallEndEvent) -> None:
        """Call-end listener: Twilio reported the end of a call."""
        self.calls_ended.labels(status=event.status).inc()

    def observe_step(self, event: StepEvent) -> None:
        """Step listener: latency, outcome, selection, answer and transfer counters."""
        step, position = event.step, event.position
        self._child(self.step_seconds, event.endpoint).observe(event.seconds)
        self._child(self.outcomes, step.outcome).inc()
        # A submenu or an answer reached from a menu: the key pressed was one of its options
        # (at a question asked at a menu, 1 and 2 choose between topics: not the menu's keys).
        if (event.endpoint == "ivr.step" and position is not None and position.key is None
                and position.ask is None
                and step.outcome in {Outcome.MENU, Outcome.ANSWER} and event.digits):
            self._child(self.selections, position.menu, event.digits).inc()
        if step.outcome == Outcome.ANSWER and step.desk:
            self._child(self.answers, step.desk).inc()
        if step.heard is not None:
            self._child(self.spoken, step.heard[:80]).inc()
        if step.outcome in TRANSFERS:
            self._child(self.transfers, step.outcome).inc()

    def count_response(self, endpoint: str, status: int, webhook: bool) -> None:
        """One HTTP response (endpoint "unmatched" for unknown paths); a webhook's 403 is a refused signature."""
        self._child(self.requests, endpoint, str(status)).inc()
        if status == 403 and webhook:
            self.refused.inc()

    def reload_refused(self, refusal) -> None:
        """The line refused an edited routes file."""
        self.reload_failures.inc()

    def exposition(self) -> tuple[bytes, str]:
        """The text format, summed over every worker when PROMETHEUS_MULTIPROC_DIR is set."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        if self.shared_dir:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.shared_dir)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
