"""Telephone numbers and email addresses as published, checked with phonenumbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from .notices import notice

SHORT_CODES = ("110", "119", "188", "189", "#9110")
NAVI_DIAL_PREFIX = "0570"
_GROUPED = re.compile(r"^\d+(-\d+)*$")
# What a Japanese input method may give for a hyphen, NFKC aside (it makes － a hyphen already):
# dashes, and the katakana prolonged sound mark (U+30FC), a character not a word, so by its number.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−" + chr(0x30FC), "-"))
_EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
# A Japanese mobile number in E.164 (070, 080 and 090 numbers), as Twilio sends it in From: a plus
# and ASCII digits only. (`\d` would also take other scripts' digits, ２ or २, which are the same
# handset written otherwise: offering to them would let one handset dodge the limits.)
_JAPANESE_MOBILE = re.compile(r"\+81[789]0[0-9]{8}")
# A number already in E.164 with ASCII digits: the one form of a handset's number.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_LONGEST_NUMBER = 64  # characters of a From worth giving to phonenumbers


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
    half_width = unicodedata.normalize("NFKC", text).translate(_DASHES)
    if half_width != text:
        # TRANSLATORS: a phone number written with full-width digits or hyphens (０３－…, 全角数字);
        # written is the same number in half-width characters.
        raise ValueError(notice("'%(number)s' has full-width digits or hyphens; write it in half-width "
                                "characters: %(written)s", number=text, written=half_width))
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


def grouping_problem(phone: Phone) -> str | None:
    """What is wrong with how a number is grouped, for callers who write it down; None if nothing.

    A number (not a short code) must be written with hyphens; a geographic number's first group
    must be its area code, which phonenumbers knows (03 for Tokyo, 0422 for Musashino). Toll-free,
    navi dial and other numbers keep the grouping they are published in (0120-0-78310).
    """
    if phone.kind == "short":
        return None
    if len(phone.groups) == 1:
        # TRANSLATORS: a phone number written without hyphens; callers hear it group by group.
        return notice("'%(number)s' has no hyphens: write it in its published grouping "
                      "(e.g. 03-5974-0068), which callers hear group by group", number=phone.written)
    parsed = phonenumbers.parse(phone.written, "JP")
    area = phonenumbers.length_of_geographical_area_code(parsed)
    if phone.kind == "fixed" and area:
        code = "0" + phonenumbers.national_significant_number(parsed)[:area]
        if phone.groups[0] != code:
            written = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
            # TRANSLATORS: a landline number whose first group is not its area code (03 for Tokyo).
            return notice("'%(number)s' begins with %(first)s, but its area code is %(code)s: write it as %(written)s",
                          number=phone.written, first=phone.groups[0], code=code, written=written)
    return None


def parse_email(text: str) -> Email:
    """Check an email address that callers will be told to write to."""
    text = str(text).strip()
    if not _EMAIL.match(text):
        # TRANSLATORS: an email address for callers must use lower-case letters, digits and . _ - only.
        raise ValueError(notice("'%(address)s' is not an email address in lower-case letters, digits and . _ -",
                                address=text))
    return Email(text)


def is_japanese_mobile(number: str | None) -> bool:
    """Whether a caller's From is a Japanese mobile number (+8170, +8180, +8190 and 8 digits),
    written as Twilio writes it: ASCII digits, no spaces, nothing else.

    Withheld and anonymous callers (Twilio sends `anonymous`, `restricted` or an empty
    From), landlines, foreign numbers and numbers written any other way are not.
    """
    return bool(number) and _JAPANESE_MOBILE.fullmatch(number) is not None


def caller_number(value: str | None) -> str | None:
    """A caller's From as one handset: E.164 with ASCII digits, however its digits and signs were
    written (phonenumbers reads ２, २ or 𝟐 as 2, and ＋ as +). A From already in that form is
    taken as it is; anything else phonenumbers does not find a valid number (withheld, anonymous)
    is None."""
    if not value:
        return None
    if _E164.fullmatch(value):
        return value  # Twilio's own form: nothing to read
    if len(value) > _LONGEST_NUMBER:
        return None
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if parsed.extension or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
