"""Telephone numbers and email addresses as published, checked with phonenumbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from .notices import notice

SHORT_CODES = ("110", "119", "188", "189", "#9110")
NAVI_DIAL_PREFIX = "0570"
_GROUPED = re.compile(r"^\d+(-\d+)*$")
_EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
# A Japanese mobile number in E.164 (070, 080 and 090 numbers), as Twilio sends it in From.
_JAPANESE_MOBILE = re.compile(r"\+81[789]0\d{8}")


@dataclass(frozen=True)
class Phone:
    """A number as the guide publishes it, with its grouping kept for speech."""

    written: str
    groups: tuple[str, ...]
    e164: str | None
    kind: str  # "short", "navi", "tollfree", "fixed", "mobile", "other"

    @property
    def dialable(self) -> bool:
        """Whether Twilio can put a call through to this number."""
        return self.e164 is not None and self.kind not in ("short", "navi")


@dataclass(frozen=True)
class Email:
    """An email address, spelled out to the caller."""

    address: str


_KINDS = {
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.TOLL_FREE: "tollfree",
    PhoneNumberType.UAN: "navi",
}


def parse_phone(text: str) -> Phone:
    """Parse a published Japanese number, or raise ValueError saying what is wrong."""
    text = str(text).strip()
    if text in SHORT_CODES:
        return Phone(text, (text,), None, "short")
    if not _GROUPED.match(text):
        # TRANSLATORS: a phone number must be written as published, e.g. 03-5974-0068, or be a
        # short code such as 188; codes lists the short codes.
        raise ValueError(notice(
            "'%(number)s' is not a number written as digit groups joined by hyphens "
            "(e.g. 03-5974-0068) nor a known short code (%(codes)s)", number=text, codes=SHORT_CODES,
        ))
    try:
        parsed = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException as exc:
        # TRANSLATORS: the phone number library cannot read the number; reason is its own words.
        raise ValueError(notice("'%(number)s' is not a telephone number: %(reason)s", number=text,
                                reason=str(exc))) from None
    if not phonenumbers.is_valid_number(parsed):
        # TRANSLATORS: a number with the right shape that no Japanese number has, e.g. 03-5974-006.
        raise ValueError(notice("'%(number)s' is not a valid Japanese telephone number", number=text))
    kind = _KINDS.get(phonenumbers.number_type(parsed), "other")
    if text.startswith(NAVI_DIAL_PREFIX):
        kind = "navi"
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return Phone(text, tuple(text.split("-")), e164, kind)


def parse_email(text: str) -> Email:
    """Check an email address that callers will be told to write to."""
    text = str(text).strip()
    if not _EMAIL.match(text):
        # TRANSLATORS: an email address for callers must use lower-case letters, digits and . _ - only.
        raise ValueError(notice("'%(address)s' is not an email address in lower-case letters, digits and . _ -",
                                address=text))
    return Email(text)


def is_japanese_mobile(number: str | None) -> bool:
    """Whether a caller's From is a Japanese mobile number (+8170, +8180, +8190 and 8 digits).

    Withheld and anonymous callers (Twilio sends `anonymous`, `restricted` or an empty
    From), landlines and foreign numbers are not.
    """
    return bool(number) and _JAPANESE_MOBILE.fullmatch(number) is not None
