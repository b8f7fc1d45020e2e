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


def test_duration_model_gives_the_length_of_whole_text_synthesis(flow, measured):
    """Paths are timed by Open JTalk's duration model, without making the waveform: the seconds
    must be those of the synthesised audio, to the sample, on the paths nearest their limits."""
    from ivr.core.readings import plain
    from ivr.operators.preview import (_spoken_seconds, duration_model, spoken_timings,
                                       synthesized_seconds)

    assert duration_model() is not None, "Open JTalk's duration model is out of reach: check is slow"
    quickest = max(measured.values(), key=lambda t: t.eager).path.eager
    longest = max(measured.values(), key=lambda t: t.patient).path.patient
    said = max(spoken_timings(flow, NOW), key=lambda t: t.seconds).path.heard
    for segments in (quickest, longest, said):
        text = plain(segments)
        assert _spoken_seconds.__wrapped__(text) == synthesized_seconds(text) > 3.0, text


def test_without_the_duration_model_speech_is_synthesised(monkeypatch):
    if open_jtalk() is None:
        pytest.skip("the speech extra (pyopenjtalk-plus) is not installed")
    import ivr.operators.preview as preview

    text = "お電話ありがとうございます。"
    modelled = preview._spoken_seconds.__wrapped__(text)
    monkeypatch.setattr(preview, "duration_model", lambda: None)
    assert preview._spoken_seconds.__wrapped__(text) == modelled > 1.0
