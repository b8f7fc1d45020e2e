"""The callers' keyed hash: HMAC-SHA256 of the number, never the number itself."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from flask import Flask, current_app


def caller_hash(key: bytes | None, number: str) -> str | None:
    """HMAC-SHA256 of the caller's number; None without a key (never a plain hash)."""
    if not key or not number:
        return None
    mac = _keyed(key).copy()
    mac.update(number.encode("utf-8"))
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 with the key already set, copied for each number."""
    return hmac.new(key, digestmod=hashlib.sha256)


def hash_key(app: Flask) -> bytes | None:
    """The HMAC key for callers' numbers, from IVR_CALLER_HASH_KEY."""
    key = app.config.get("IVR_CALLER_HASH_KEY") or ""
    return key.encode("utf-8") if key else None


def hashed_caller(number: str) -> str | None:
    """The current app's keyed hash of a caller's number."""
    return caller_hash(current_app.extensions.get("ivr.hash_key"), number)
