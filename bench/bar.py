"""The throughput bar every benchmark run holds the line to, against the secure floor (bench/floor.py)
measured in the same run, and the verdict on a run's figures (pure functions: no I/O).

- HTTP (bench/run.py): for every step, at least 0.75× the floor's requests/s and a p99 within
  1.35× the floor's p99, each the median of the ratios within the run's pairs of rows.
- Instructions (bench/instructions.py): for every step, at most the floor's instructions per
  step + 500k.

A thousand callers at once make about 100 steps a second; the line answers thousands, so the bar
is there to catch a change that makes every step much dearer, not to chase the last 10 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

THROUGHPUT_RATIO = 0.75  # at least this × the secure floor's requests/s
P99_RATIO = 1.35  # a p99 at most this × the secure floor's
INSTRUCTIONS_ABOVE = 500_000  # at most the secure floor's instructions per step + this


@dataclass(frozen=True)
class Verdict:
    """One limit of the bar against the step that comes nearest to (or past) it."""

    limit: str  # what is held, in words
    step: str  # the step with the worst figure ("" where the limit is not per step)
    figure: str  # that figure, in words
    held: bool

    def line(self) -> str:
        where = f" ({self.step})" if self.step else ""
        return f"- {self.limit}: {self.figure}{where} — {'held' if self.held else 'MISSED'}"


def http_verdicts(ratios: Mapping[str, tuple[float, float]]) -> list[Verdict]:
    """The HTTP bar for each step's (requests/s × floor, p99 × floor): its slowest step for each."""
    if not ratios:
        raise ValueError("no steps measured")
    slowest = min(ratios, key=lambda name: ratios[name][0])
    latest = max(ratios, key=lambda name: ratios[name][1])
    return [
        Verdict(f"requests/s ≥ {THROUGHPUT_RATIO}× the secure floor's", slowest, f"{ratios[slowest][0]:.2f}×",
                ratios[slowest][0] >= THROUGHPUT_RATIO),
        Verdict(f"p99 ≤ {P99_RATIO}× the secure floor's", latest, f"{ratios[latest][1]:.2f}×",
                ratios[latest][1] <= P99_RATIO),
    ]


def instructions_verdicts(floor: float, steps: Mapping[str, float]) -> list[Verdict]:
    """The instructions bar: each step's instructions per step against the floor's + 500k."""
    if not steps:
        raise ValueError("no steps measured")
    dearest = max(steps, key=steps.get)
    above = steps[dearest] - floor
    return [Verdict(f"instructions per step ≤ the secure floor's + {INSTRUCTIONS_ABOVE // 1000}k", dearest,
                    f"+{above / 1000:,.0f}k", above <= INSTRUCTIONS_ABOVE)]


def held(verdicts: list[Verdict]) -> bool:
    """Whether a run held every limit (its exit status is 0 then, 1 otherwise)."""
    return all(verdict.held for verdict in verdicts)
