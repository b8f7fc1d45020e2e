"""Render a flow Step as TwiML with twilio's VoiceResponse."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from twilio.twiml.voice_response import Say, VoiceResponse

from ..core.flow import Position, Step
from ..core.readings import Segment, Words
from ..core.routes import LANGUAGE

GROUP_PAUSE = "400ms"
RENDERED = 2048  # documents kept per process: every position, and answers at a few moments

UrlFor = Callable[[str, Position], str]


def say(segments: tuple[Segment, ...], voice: str) -> Say:
    """One <Say> in Japanese; numbers and addresses slowed down, with pauses between groups."""
    element = Say(voice=voice, language=LANGUAGE)
    text = ""
    for segment in segments:
        if isinstance(segment, Words):
            text += segment.text
            continue
        if text:
            element.append(text)
            text = ""
        element.break_(time=GROUP_PAUSE)
        slow = element.prosody(rate="slow")
        for i, group in enumerate(segment.groups):
            if i:
                slow.break_(time=GROUP_PAUSE)
            slow.append(group)
        element.break_(time=GROUP_PAUSE)
    if text:
        element.append(text)
    return element


@lru_cache(maxsize=RENDERED)
def render(step: Step, voice: str, timeout: int, url_for: UrlFor) -> str:
    """The TwiML document for a step, its links made by `url_for`; made once and kept.

    `url_for` must give the same link for the same position every time it is called:
    the web layer keeps one per app and mount point.
    """
    action = url_for("ivr.step", step.listen) if step.listen is not None else None
    then = url_for("ivr.dialed", step.transfer.then) if step.transfer is not None else None
    response = VoiceResponse()
    spoken = say(step.speech, voice)
    if step.listen is not None:
        gather = response.gather(
            input="dtmf", num_digits=1, timeout=timeout, action=action, method="POST",
            action_on_empty_result=True,
        )
        gather.append(spoken)
        response.redirect(action, method="POST")
    elif step.transfer is not None:
        response.append(spoken)
        response.dial(
            step.transfer.number, timeout=step.transfer.timeout,
            action=then, method="POST",
        )
    else:
        response.append(spoken)
        response.hangup()
    return str(response)
