"""What a step did, as data: every outcome the flow can give, and the groups listeners ask about."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The outcome of one step; its value is what metrics, logs and records show."""

    MENU = "menu"  # a menu read out: the first one of a call, or a submenu chosen
    SILENCE = "silence"  # nothing pressed: the menu again
    REPEAT = "repeat"
    TOP = "top"  # back to the first menu
    INVALID = "invalid"  # a key that does nothing here
    NOT_UNDERSTOOD = "not_understood"  # words that named nothing clear: the menu (or question) again
    ASK = "ask"  # words unclear or shared by two desks: one short question
    LOST = "lost"  # the position no longer exists: the first menu with an apology
    NO_INPUT = "no_input"  # silent too often: the call ends
    MAX_FAILURES = "max_failures"  # too many wrong keys: the call ends
    ANSWER = "answer"  # a desk's answer read out
    ANSWER_REPEAT = "answer_repeat"
    ANSWER_HEARD = "answer_heard"  # silence after an answer: goodbye
    TRANSFER = "transfer"  # the call is being put through
    TRANSFER_CLOSED = "transfer_closed"  # asked for a transfer while the desk was closed
    TRANSFERRED = "transferred"  # the transfer connected and has ended
    TRANSFER_BUSY = "transfer_busy"
    TRANSFER_NO_ANSWER = "transfer_no-answer"
    TRANSFER_FAILED = "transfer_failed"
    TRANSFER_CANCELED = "transfer_canceled"
    SMS = "sms"  # the desk's details go out by text message
    SMS_REFUSED = "sms_refused"  # a text message that cannot be sent: the number read again
    WAIT = "wait"  # asked to wait at an answer (to fetch a pen): the line listens longer
    ERROR = "error"  # the line failed: an apology and 188

    @classmethod
    def dial_failed(cls, dial_status: str) -> Outcome | None:
        """The outcome of a transfer that did not connect (Twilio's DialCallStatus), else None."""
        return _DIAL_FAILED.get(dial_status)


_DIAL_FAILED = {"busy": Outcome.TRANSFER_BUSY, "no-answer": Outcome.TRANSFER_NO_ANSWER,
                "failed": Outcome.TRANSFER_FAILED, "canceled": Outcome.TRANSFER_CANCELED}

ANSWERS = frozenset({Outcome.ANSWER, Outcome.ANSWER_REPEAT})
FAILED_TRANSFERS = frozenset(_DIAL_FAILED.values())
TRANSFERS = frozenset({Outcome.TRANSFER, Outcome.TRANSFER_CLOSED, Outcome.TRANSFERRED}) | FAILED_TRANSFERS
AT_ANSWER = (ANSWERS | {Outcome.TRANSFER_CLOSED, Outcome.SMS, Outcome.SMS_REFUSED, Outcome.WAIT}
             | FAILED_TRANSFERS)  # the caller is at a desk's answer
ENDINGS = frozenset({Outcome.ANSWER_HEARD, Outcome.TRANSFERRED, Outcome.MAX_FAILURES,
                     Outcome.NO_INPUT, Outcome.ERROR})  # the line ends the call
