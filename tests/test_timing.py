"""Seconds of speech before a caller hears the number they need, measured with Open JTalk."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr.core.hours import JAPAN
from ivr.operators.preview import EAGER_LIMIT, PATIENT_LIMIT, estimate_seconds, open_jtalk, timings

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=JAPAN)


@pytest.fixture(scope="module")
def measured(flow):
    if open_jtalk() is None:
        pytest.skip("the speech extra (pyopenjtalk-plus) is not installed")
    return {t.path.keys: t for t in timings(flow, NOW)}


def test_every_path_gives_its_number_within_20_seconds_to_a_quick_caller(measured):
    slow = {keys: round(t.eager, 1) for keys, t in measured.items() if t.eager > EAGER_LIMIT}
    assert slow == {}


def test_every_path_gives_its_number_within_40_seconds_to_a_patient_caller(measured):
    slow = {keys: round(t.patient, 1) for keys, t in measured.items() if t.patient > PATIENT_LIMIT}
    assert slow == {}


def test_police_paths_give_110_first_within_20_seconds(measured):
    police = {keys: t for keys, t in measured.items() if t.path.desk == "police"}
    assert len(police) >= 2
    for keys, timing in police.items():
        first = next(s for s in timing.path.eager if hasattr(s, "groups"))
        assert first.written == "110", keys
        assert timing.eager <= EAGER_LIMIT


def test_estimate_is_in_the_engines_ballpark(measured):
    path = measured[("1", "3")]
    from ivr.core.readings import plain

    estimate = estimate_seconds(plain(path.path.patient))
    assert 0.6 * path.patient < estimate < 1.5 * path.patient
