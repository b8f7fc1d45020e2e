"""Twilio's webhook forms (application/x-www-form-urlencoded), read in one pass."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.formparser import FormDataParser

URLENCODED = "application/x-www-form-urlencoded"
BAD_UTF8 = "werkzeug.url_quote"  # werkzeug's error handler: undecodable escapes stay as written


def parse_urlencoded(body: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a URL-encoded form, exactly as werkzeug's parse_qsl call reads them.

    Twilio's fields are mostly plain ASCII: a part with no '+' and no '%' is taken as it is.
    """
    pairs = []
    for field in body.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name or "%" in name:
            name = _unescape(name)
        if "+" in value or "%" in value:
            value = _unescape(value)
        pairs.append((name, value))
    return pairs


def _unescape(part: str) -> str:
    """A name or value with '+' read as a space and %XX escapes decoded."""
    return unquote(part.replace("+", " "), errors=BAD_UTF8)


class WebhookForm(ImmutableMultiDict):
    """A parsed form that also keeps its (name, value) pairs as received, for the signature check."""

    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__(pairs)
        self.pairs = pairs


class WebhookFormParser(FormDataParser):
    """werkzeug's form parser, reading URL-encoded bodies with parse_urlencoded."""

    def parse(self, stream, mimetype, content_length, options=None):
        if mimetype != URLENCODED:
            return super().parse(stream, mimetype, content_length, options)
        try:
            return stream, WebhookForm(parse_urlencoded(stream.read().decode())), self.cls()
        except ValueError:
            if not self.silent:
                raise
        return stream, self.cls(), self.cls()


class WebhookRequest(Request):
    """Flask's request, with Twilio's URL-encoded forms read by WebhookFormParser."""

    form_data_parser_class = WebhookFormParser
