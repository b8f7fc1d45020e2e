"""One service function per webhook: each asks the flow, hands a text message to the texter
(and, if it cannot go, asks the flow what to say instead), has the step rendered, and
publishes the request's one event on the bus.

No Flask here: the web layer reads the request into an `Incoming`, passes its renderer, and
serves the bytes it gets back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..core.contacts import is_japanese_mobile
from ..core.events import FINAL_STATUSES, CallEndEvent, StepEvent, call_sid, step_event
from ..core.flow import CallFlow, fault_step
from ..core.steps import Position, Step
from ..sms.texter import UNAVAILABLE
from .wiring import Wiring

Render = Callable[[Step, CallFlow], bytes]  # the step as the document served (TwiML)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A webhook request as the line reads it, once: Twilio's fields and the request's facts."""

    at: datetime  # the request's one reading of the app's clock
    seq: int  # wall-clock nanoseconds at arrival: orders a call's steps across workers
    started: float  # time.perf_counter() at arrival
    endpoint: str  # ivr.voice, ivr.step, ivr.dialed, status.call_status, …
    call_sid: str  # CallSid as sent ("" if absent)
    number: str  # From as sent ("" if absent): used to send a text message, and nothing else
    caller: str | None  # the keyed hash of From; None without a key
    digits: str | None = None  # Digits as sent
    words: str = ""  # SpeechResult as sent
    confidence: float | None = None  # Twilio's Confidence for the words, if it is one
    dial_status: str | None = None  # DialCallStatus as sent
    request_id: str | None = None  # I-Twilio-Idempotency-Token
    served: bool = False  # the request came through an HTTP server (not the in-process phone)


def new_call(wiring: Wiring, incoming: Incoming, render: Render) -> bytes:
    """A new call: the greeting and the top menu."""
    flow = wiring.line.current()
    return _answered(wiring, incoming, None, flow.start(incoming.at), flow, render)


def step(wiring: Wiring, incoming: Incoming, position: Position | None, render: Render) -> bytes:
    """Keys, words or silence at `position` (None: the URL named no position). A text message
    the caller asks for is handed to the texter here; if it cannot go, the caller hears why."""
    flow = wiring.line.current()
    if position is None:
        return _answered(wiring, incoming, None, flow.lost(), flow, render)
    at, texting = incoming.at, _texting(wiring, incoming)
    digits = (incoming.digits or "").strip()
    if not digits and incoming.words.strip():
        answer = flow.hear(position, incoming.words, incoming.confidence, at, texting=texting)
    else:
        answer = flow.press(position, digits, at, texting=texting)
    if answer.text is not None:
        answer = _text(wiring, flow, incoming, position, answer)
    return _answered(wiring, incoming, position, answer, flow, render)


def dialed(wiring: Wiring, incoming: Incoming, position: Position | None, render: Render) -> bytes:
    """A transfer from `position` ended, as Twilio's DialCallStatus says (failed if it says nothing)."""
    flow = wiring.line.current()
    if position is None:
        return _answered(wiring, incoming, None, flow.lost(), flow, render)
    status = "failed" if incoming.dial_status is None else incoming.dial_status
    answer = flow.dial_ended(position, status, incoming.at,
                             texting=_texting(wiring, incoming))
    return _answered(wiring, incoming, position, answer, flow, render)


def fault(wiring: Wiring, incoming: Incoming | None, render: Render) -> bytes:
    """Something failed while answering: the apology and 188 (the event too, if the request
    could be read)."""
    flow = wiring.line.flow  # as served: asking for the current flow may be what failed
    answer = fault_step(wiring.line.reader)
    if incoming is None:
        return render(answer, flow)
    return _answered(wiring, incoming, None, answer, flow, render)


def call_status(wiring: Wiring, incoming: Incoming, status: str, duration_s: int | None) -> None:
    """Twilio's status callback for a call whose CallSid is one: a final CallStatus ends it."""
    if status not in FINAL_STATUSES:
        return
    wiring.bus.publish(CallEndEvent(
        at=incoming.at, call_sid=call_sid(incoming.call_sid) or incoming.call_sid,
        caller=incoming.caller, status=status, duration_s=duration_s, served=incoming.served))


def _texting(wiring: Wiring, incoming: Incoming) -> bool:
    """Whether this caller may be offered a desk's details by text (a Japanese mobile, on a line
    that sends texts): worked out from each request, as the call keeps no state."""
    return wiring.texter is not None and is_japanese_mobile(incoming.number)


def _text(wiring: Wiring, flow: CallFlow, incoming: Incoming, position: Position, answer: Step) -> Step:
    """Hand the message the caller asked for to the texter; if it cannot go, say so instead."""
    refusal = wiring.texter.request(incoming.call_sid, incoming.number, incoming.caller,
                                    answer.text, incoming.at)
    if refusal is None:
        return answer
    return flow.text_refused(position, incoming.at, over_limit=refusal != UNAVAILABLE)


def _answered(wiring: Wiring, incoming: Incoming, position: Position | None, answer: Step,
              flow: CallFlow, render: Render) -> bytes:
    """The step rendered; then its one event, to every handler on the bus."""
    body = render(answer, flow)
    if wiring.bus.hears(StepEvent):
        wiring.bus.publish(step_event(
            answer, position, at=incoming.at, seq=incoming.seq, call=incoming.call_sid,
            caller=incoming.caller, endpoint=incoming.endpoint, digits=incoming.digits,
            dial=incoming.dial_status, request_id=incoming.request_id, served=incoming.served,
            seconds=time.perf_counter() - incoming.started))
    return body
