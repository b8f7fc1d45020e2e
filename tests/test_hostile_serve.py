"""Done when: a real `ivr serve` answers every signed call with TwiML in under 3 s through hostile input."""

from __future__ import annotations

import hostile  # loadtest/hostile.py

CHECK_BOUND = 10.0  # seconds; measured figures (about 1 s) are in docs/reliability.md


def test_every_signed_call_is_answered_through_hostile_input_and_operator_mistakes(tmp_path):
    result = hostile.run(tmp_path, workers=2, seconds=2.0)
    assert result.failures() == [], hostile.report(result)
    for phase in result.phases:
        assert result.of(phase), f"no call was placed while {phase}"
    assert len(result.big_bodies) == 3
    for took, reply in result.big_bodies:
        assert "200" not in reply and took < hostile.LIMIT, result.big_bodies
    for name, (took, code, first) in result.checks.items():
        path = tmp_path / f"{name.replace(' ', '_')}.yaml"
        assert code == 1 and first.startswith(f"{path}:"), (name, code, first)
        assert first.split(":")[1].isdigit(), first
        assert took < CHECK_BOUND, (name, took)
