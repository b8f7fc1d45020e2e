"""Prometheus metrics, JSON step lines and the callers' keyed hash."""

from __future__ import annotations


def init_app(settings, bus):
    """The line's metrics (IVR_METRICS_DIR), and the step lines IVR_STEP_LOG asks for, subscribed
    to `bus`: every step, call's end and routes reload is counted, then logged. Says at start
    when callers cannot be counted (no IVR_CALLER_HASH_KEY)."""
    from ..core.events import CallEndEvent, ReloadAccepted, ReloadRefused, StepEvent
    from . import logs
    from .callers import warn_without_key
    from .metrics import Metrics

    warn_without_key(settings)
    metrics = Metrics(settings.metrics_dir)
    bus.subscribe(StepEvent, metrics.observe_step, *logs.step_handlers(settings.step_log))
    bus.subscribe(CallEndEvent, metrics.call_ended, *logs.end_handlers(settings.step_log))
    bus.subscribe(ReloadRefused, metrics.reload_refused)
    bus.subscribe(ReloadAccepted, metrics.reload_accepted)
    return metrics
