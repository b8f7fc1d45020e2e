"""The callers' keyed hash: HMAC-SHA256 of the number, never the number itself."""

from __future__ import annotations

import hashlib
import hmac
import logging

from ..core.contacts import caller_number

log = logging.getLogger("ivr.records")


def caller_hash(key: bytes | None, number: str | None) -> str | None:
    """HMAC-SHA256 of the caller's number; None without a key (never a plain hash).

    A number is hashed in its one E.164 form (`caller_number`), so one handset is one caller
    however its digits were written; anything else (`anonymous`) is hashed as it came."""
    if not key or not number:
        return None
    return hmac.new(key, (caller_number(number) or number).encode("utf-8"), hashlib.sha256).hexdigest()


def warn_without_key(settings) -> None:
    """Say at every start, loudly outside development, that callers cannot be counted."""
    if settings.caller_key is not None:
        return
    loudly = log.warning if settings.dev else log.error
    loudly("IVR_CALLER_HASH_KEY is not set: callers are recorded without any trace of "
           "their number, so repeat callers cannot be counted. Set a long random key "
           "in production and keep it secret.")
