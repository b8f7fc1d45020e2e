"""Taking a caller's request for a text message: the limits against SMS pumping, then a background sender.

The webhook only counts the message against the limits (`ledger.py`: in the records database,
shared by every worker and replica) and puts it on a bounded queue; one thread per worker hands
it to Twilio's REST API. The caller's number is used to send and nothing else: it is never
stored or logged, and the records keep the keyed hash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..core.contacts import is_japanese_mobile
from ..core.events import call_sid as one_call
from ..core.steps import TextMessage
from ..core.hours import in_japan
from ..core.notices import notice
from ..records.background import BackgroundQueue
from . import sending
from .ledger import DatabaseLedger, Limits, MemoryLedger
from .sending import SmsConfigError, TwilioSender

__all__ = ["DatabaseLedger", "Limits", "MemoryLedger", "Texter", "texter_for"]
log = logging.getLogger("ivr.sms")
QUEUE_CAPACITY = 1000
DRAIN_AT_EXIT = 5.0
UNAVAILABLE = "unavailable"  # the refusal when the message cannot be counted or queued

Counted = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class _Job:
    """A message counted, to send."""

    ident: object  # what the ledger counted it as (a Reservation, or a number)
    to: str
    message: TextMessage


class Texter(BackgroundQueue):
    """Takes a caller's request for a text message: counts it, then sends it off the call's path."""

    thread_name = "ivr-sms"
    log = log
    failed = "text message sender failed; trying again"
    drain_at_exit = DRAIN_AT_EXIT

    def __init__(self, ledger, sender, limits: Limits,
                 on_request: Counted = lambda result: None, on_send: Counted = lambda result: None,
                 background: bool = True, capacity: int = QUEUE_CAPACITY,
                 on_lost: Counted = lambda reason: None):
        self.ledger = ledger
        self.sender = sender
        self.limits = limits
        self.on_request = on_request
        self.on_send = on_send
        self.on_lost = on_lost  # a message's row (or its status) that could not be stored
        self.background = background
        super().__init__(capacity)

    # -- the call's side: counts, queues, never waits on Twilio ---------------------------

    def request(self, call_sid: str, caller: str, hashed: str | None, message: TextMessage,
                now: datetime) -> str | None:
        """None if the message will be sent; else why not: call, caller, line (a limit) or unavailable.

        `hashed` is the caller's keyed hash, made once for the request's event: the limits per
        caller count it, never the number. The caller must be a Japanese mobile written as Twilio
        writes it, and the call is counted by its CallSid in Twilio's letter case.
        """
        call_sid = one_call(call_sid)
        if call_sid is None or not is_japanese_mobile(caller) or not hashed:
            return self._refused(UNAVAILABLE)
        if len(message.body) > sending.BODY_LIMIT:  # Twilio would refuse it: say so on the call
            log.error("text message for desk %s not sent: %d characters, Twilio takes at most %d",
                      message.desk, len(message.body), sending.BODY_LIMIT)
            return self._refused(UNAVAILABLE)
        try:
            counted = self.ledger.reserve(call_sid, hashed, in_japan(now).date().isoformat(), now,
                                          message.desk, self.limits)
        except Exception as error:  # the database's trouble: the caller hears the number instead
            log.error("text message not counted, so not sent: %s", _one_line(error))
            return self._refused(UNAVAILABLE)
        if isinstance(counted, str):
            log.info("text message refused: over the per-%s limit", counted)
            return self._refused(counted)
        job = _Job(counted, caller, message)
        if not self.background:
            self._send(job)
        elif not self._queue_job(job):
            self._finish(job, "dropped", "queue_full")
            return self._refused(UNAVAILABLE)
        self.on_request("queued")
        return None

    def _refused(self, reason: str) -> str:
        self.on_request(UNAVAILABLE if reason == UNAVAILABLE else f"over_{reason}_limit")
        return reason

    def _queue_job(self, job: _Job) -> bool:
        if self._put(job):
            return True
        log.error("text message queue full (%d): a message was not sent", self.capacity)
        return False

    # -- the background side ------------------------------------------------------------

    def _handle(self, batch: list[_Job]) -> None:
        for job in batch:
            try:
                self._send(job)
            finally:
                with self._cond:
                    self._pop(1)

    def _send(self, job: _Job) -> None:
        """Hand one message to Twilio; whatever happens stays here. Never logs the number."""
        from twilio.base.exceptions import TwilioRestException

        try:
            sid = self.sender.send(job.to, job.message.body)
        except TwilioRestException as error:
            result = "refused" if 400 <= error.status < 500 else "failed"
            code = str(error.code or error.status)[:16]
            # Twilio's message text can repeat the number it was sent to: only status and code.
            log.error("text message for desk %s %s by Twilio: HTTP %s, error %s",
                      job.message.desk, result, error.status, code)
            self._finish(job, result, code)
            self.on_send(result)
            return
        except Exception as error:  # timeouts, refused connections, anything else
            log.error("text message for desk %s not sent: Twilio's API did not answer (%s)",
                      job.message.desk, type(error).__name__)
            self._finish(job, "unreachable", type(error).__name__[:16])
            self.on_send("unreachable")
            return
        self._finish(job, "sent", None, str(sid)[:34] if sid else None)
        self.on_send("sent")

    def _finish(self, job: _Job, status: str, error: str | None, message_sid: str | None = None) -> None:
        try:
            self.ledger.finish(job.ident, status, error, message_sid)
        except Exception as failure:
            log.error("text message %s for desk %s: its status (%s) was not stored: %s",
                      job.ident, job.message.desk, status, _one_line(failure))
            self.on_lost("text_message")

    def _hand_over(self, left: list[_Job]) -> None:
        """At exit: the messages not yet handed to Twilio are not sent (their rows stay `queued`)."""
        for job in left:
            log.error("text message for desk %s not sent (its row stays queued): the worker "
                      "stopped before Twilio took it", job.message.desk)


def _one_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


def texter_for(settings, metrics=None) -> Texter | None:
    """The texter the settings ask for: IVR_SMS_FROM, TWILIO_ACCOUNT_SID, IVR_TWILIO_API_URL,
    IVR_SMS_PER_DAY. None without IVR_SMS_FROM: then no caller is offered a text message."""
    texter = settings.sms_texter  # a texter made elsewhere: the terminal phone's rehearsal
    if texter is None:
        if not settings.sms_from:
            return None
        texter = _served_texter(settings)
    if metrics is not None:
        texter.on_request, texter.on_send = metrics.sms_requested, metrics.sms_sent
        texter.on_lost = metrics.record_failed
        if isinstance(texter.ledger, DatabaseLedger):
            texter.ledger.on_failure = metrics.record_failed
    return texter


def _served_texter(settings) -> Texter:
    from ..settings import ConfigError

    missing = [name for name, present in (
        ("TWILIO_ACCOUNT_SID", settings.account_sid),
        ("TWILIO_AUTH_TOKEN", settings.auth_token),
        # TRANSLATORS: a setting text messages need, in the list after "text messages also need:".
        (notice("IVR_CALLER_HASH_KEY (the limits count callers by their keyed hash)"), settings.caller_key),
        # TRANSLATORS: a setting text messages need, in the list after "text messages also need:".
        (notice("a records database (the limits are shared through it; IVR_RECORDS_DB is off)"),
         settings.records_url),
    ) if not present]
    if missing:
        # TRANSLATORS: a server refuses to start: text messages are asked for (IVR_SMS_FROM) but these
        # settings are missing; missing is a list of them.
        raise ConfigError(notice("IVR_SMS_FROM is set, but text messages also need: %(missing)s",
                                 missing=missing))
    try:
        per_day = int(settings.sms_per_day)
    except (TypeError, ValueError):
        per_day = -1
    if per_day < 0:
        # TRANSLATORS: a server refuses to start: IVR_SMS_PER_DAY is not a count of text messages.
        raise ConfigError(notice("IVR_SMS_PER_DAY=%(value)s is not a whole number of messages",
                                 value=repr(settings.sms_per_day)))
    try:
        sender = TwilioSender(settings.account_sid, settings.auth_token, settings.sms_from,
                              settings.twilio_api_url or sending.TWILIO_API_URL, sending.SEND_TIMEOUT)
    except SmsConfigError as error:
        raise ConfigError(error.args[0]) from None
    return Texter(DatabaseLedger(settings.records_url), sender, Limits(per_day=per_day))
