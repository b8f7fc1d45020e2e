"""Render a flow Step as TwiML with twilio's VoiceResponse (its <Say> as `ivr.routesfile.says`
makes it, held to Twilio's limits there)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from twilio.twiml.voice_response import VoiceResponse

from ..core.caches import DOCUMENTS
from ..core.routes import LANGUAGE
from ..core.steps import Position, Step
from ..routesfile.says import say

# Speech settings for a menu's <Gather>, from Twilio's <Gather> reference: Google's telephony
# model (it has ja-JP) through Twilio's provider-specific speechModel; with a speechModel set,
# speechTimeout must be a whole number of seconds ("auto" is refused, warning 13335); the
# profanity filter off, so that a threat is heard as said; hints from the routes' `says:`.
SPEECH_MODEL = "googlev2_telephony"
SPEECH_TIMEOUT = 2
# Seconds a <Gather> waits for a key or words after the caller asked the line to wait (to fetch
# a pen), instead of routes.yaml's input.timeout: silence after that still ends the call.
WAIT_TIMEOUT = 30

UrlFor = Callable[[str, Position], str]
Documents = Callable[[Step, str, int, str, str, UrlFor], bytes]


def render(step: Step, voice: str, timeout: int, url_for: UrlFor, hints: str = "", root: str = "",
           documents: Documents | None = None) -> bytes:
    """The TwiML document for a step, in UTF-8 as it is served, its links made by `url_for`
    (endpoint, position).

    With `hints` (the words expected where the caller is: the routes' `says:` and the phrases
    for keys), the step listens for Japanese speech as well as keys. `root` is the prefix the app is served under (WSGI's
    SCRIPT_NAME), the one part of the request its links depend on. `documents` keeps the
    documents already made (those of the flow being served: `Line.documents`).
    """
    return (documents or document)(step, voice, timeout, hints, root, url_for)


def document_memo() -> Documents:
    """A memo of `document`, for the steps of one flow: DOCUMENTS at most, the least recently
    served dropped first.

    Building a document with VoiceResponse, its links with Flask's url_for, and encoding it (a
    menu with speech hints is about 7 KB) are most of a step's own work; callers at the same
    place at the same hours hear the same document.
    """
    return lru_cache(maxsize=DOCUMENTS)(document)


def document(step: Step, voice: str, timeout: int, hints: str, root: str, url_for: UrlFor) -> bytes:
    """The TwiML document for a step: a pure function of its arguments."""
    action = url_for("ivr.step", step.listen) if step.listen is not None else None
    then = url_for("ivr.dialed", step.transfer.then) if step.transfer is not None else None
    response = VoiceResponse()
    spoken = say(step.speech, voice)
    if step.listen is not None:
        speech: dict = {"input": "dtmf"}
        if hints:
            speech = dict(input="dtmf speech", language=LANGUAGE, hints=hints,
                          speech_model=SPEECH_MODEL, speech_timeout=SPEECH_TIMEOUT,
                          profanity_filter=False)
        gather = response.gather(
            num_digits=1, timeout=WAIT_TIMEOUT if step.wait else timeout, action=action, method="POST",
            # '#' and '*' are keys like any other: an empty finishOnKey turns off the default '#'.
            finish_on_key="", action_on_empty_result=True, **speech,
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
    return str(response).encode("utf-8")
