"""Twilio's REST API as the line's text message sender (twilio's Client, messages.create)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..core.notices import notice

TWILIO_API_URL = "https://api.twilio.com"
SEND_TIMEOUT = 10.0  # seconds Twilio's API gets to answer, in the background
BODY_LIMIT = 1600  # characters Twilio takes in a message's Body (Messages create); it refuses more
E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # ASCII digits only (`\d` takes every script's)
SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
SENDER_ID = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")


class SmsConfigError(ValueError):
    """The text message settings cannot work."""


def sender_fields(sms_from: str) -> dict[str, str]:
    """messages.create's sender for IVR_SMS_FROM: a number, a sender ID, or a Messaging Service."""
    value = sms_from.strip()
    if SERVICE_SID.fullmatch(value):
        return {"messaging_service_sid": value}
    if E164.fullmatch(value) or SENDER_ID.fullmatch(value):
        return {"from_": value}
    # TRANSLATORS: a server refuses to start: IVR_SMS_FROM is none of the senders Twilio takes.
    raise SmsConfigError(notice(
        "IVR_SMS_FROM=%(value)s is neither a number in E.164 form (+815012345678), an "
        "alphanumeric sender ID (1 to 11 letters, digits or spaces, with a letter) nor a "
        "Messaging Service SID (MG and 32 hex digits)", value=repr(value)))


class TwilioSender:
    """Sends through Twilio's REST API (twilio's Client, messages.create)."""

    def __init__(self, account_sid: str, auth_token: str, sms_from: str,
                 api_url: str = TWILIO_API_URL, timeout: float = SEND_TIMEOUT):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.fields = sender_fields(sms_from)
        parts = urlsplit(api_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            # TRANSLATORS: a server refuses to start: IVR_TWILIO_API_URL is not a whole http(s):// address.
            raise SmsConfigError(notice("IVR_TWILIO_API_URL=%(value)s is not an absolute http(s) URL",
                                        value=repr(api_url)))
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        # The REST API's domain takes its base URL from here (tests point it at a stand-in).
        self.client.api.base_url = api_url.rstrip("/")

    def send(self, to: str, body: str) -> str:
        """Send one message; its SID. Raises what the client raises."""
        return self.client.messages.create(to=to, body=body, **self.fields).sid


class RehearsalSender:
    """Sends nothing: keeps each message's text for the terminal phone to print."""

    def __init__(self):
        self.outbox: list[str] = []

    def send(self, to: str, body: str) -> str:
        self.outbox.append(body)
        return "SM" + "0" * 32
