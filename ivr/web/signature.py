"""Twilio's request signature (X-Twilio-Signature), checked without Flask."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from functools import lru_cache
from itertools import chain

from twilio.request_validator import RequestValidator

Fields = list[tuple[str, str]]


def signature(token: str, url: str, fields: Fields) -> str:
    """The signature Twilio sends for a URL and form: RequestValidator.compute_signature's, in one pass.

    Twilio signs the URL followed by every distinct field name and value, sorted by name and
    then by value; sorting the distinct (name, value) pairs gives that same order.
    """
    signed = url + "".join(chain.from_iterable(sorted(set(fields))))
    mac = _keyed(token).copy()
    mac.update(signed.encode("utf-8"))
    return base64.b64encode(mac.digest()).decode("ascii")


@lru_cache(maxsize=4)
def _keyed(token: str) -> hmac.HMAC:
    """HMAC-SHA1 keyed with the token, ready to copy for each request."""
    return hmac.new(token.encode("utf-8"), digestmod=hashlib.sha1)


def requested_url(environ: Mapping[str, str]) -> str | None:
    """A WSGI request's URL from its Host header, path and query as received; None without a Host."""
    host = environ.get("HTTP_HOST")
    if not host:
        return None
    url = f"{environ['wsgi.url_scheme']}://{host}{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}"
    query = environ.get("QUERY_STRING")
    return f"{url}?{query}" if query else url


def matches(token: str, url: str | None, fields: Fields, sent: str) -> bool:
    """Whether `sent` is Twilio's signature of exactly this URL and these fields."""
    if url is None:
        return False
    return hmac.compare_digest(signature(token, url, fields).encode(), sent.encode())


class _Grouped(dict):
    """Form fields as RequestValidator reads them: getall(name) gives every value."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def is_signed(token: str, url: str, fields: Fields, sent: str) -> bool:
    """Whether Twilio signed these fields for this URL, as given or with or without its port."""
    if matches(token, url, fields, sent):
        return True
    grouped = _Grouped()
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return RequestValidator(token).validate(url, grouped, sent)
