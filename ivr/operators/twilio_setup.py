"""`ivr twilio`: point a Twilio number at the line, and write the TwiML it falls back to."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import click

from ..core.notices import Notice, locale_from_environ, notice, pnotice
from ..settings import Settings

PHONE_NUMBER = re.compile(r"^\+[1-9]\d{6,14}$")
CENTER_DESK = "center"
API_URL = "https://api.twilio.com"


@dataclass(frozen=True)
class Setting:
    """One field of an IncomingPhoneNumber: its REST parameter and its value in the client."""

    parameter: str
    attribute: str


SETTINGS = (
    Setting("VoiceUrl", "voice_url"),
    Setting("VoiceMethod", "voice_method"),
    Setting("VoiceFallbackUrl", "voice_fallback_url"),
    Setting("VoiceFallbackMethod", "voice_fallback_method"),
    Setting("StatusCallback", "status_callback"),
    Setting("StatusCallbackMethod", "status_callback_method"),
)


@dataclass(frozen=True)
class Change:
    """A setting of the number whose value differs from what the line needs."""

    setting: Setting
    old: str | None
    new: str

    def __str__(self) -> str:
        return self.said()

    def said(self) -> Notice:
        """The change as `ivr twilio configure` prints it (a Notice: English, or any locale)."""
        # TRANSLATORS: ivr twilio configure: a setting of the number that had no value before.
        old = self.old or pnotice("twilio setting", "(not set)")
        # TRANSLATORS: ivr twilio configure: one setting of the number, its value before and after,
        # e.g. "VoiceUrl: (not set) -> https://ivr.example.jp/voice".
        return notice("%(setting)s: %(old)s -> %(new)s", setting=self.setting.parameter, old=old, new=self.new)


class SetupError(Exception):
    """The number cannot be set up as asked."""


def wanted_settings(line_url: str, fallback_url: str, fallback_method: str) -> dict[Setting, str]:
    """What the number must say: the line's webhooks under `line_url`, and the fallback."""
    base = line_url.rstrip("/")
    values = {
        "VoiceUrl": f"{base}/voice",
        "VoiceMethod": "POST",
        "VoiceFallbackUrl": fallback_url,
        "VoiceFallbackMethod": fallback_method,
        "StatusCallback": f"{base}/voice/status",
        "StatusCallbackMethod": "POST",
    }
    return {setting: values[setting.parameter] for setting in SETTINGS}


def find_number(client, number: str):
    """The account's IncomingPhoneNumber for `number` (E.164), or SetupError."""
    matches = [n for n in client.incoming_phone_numbers.list(phone_number=number, limit=20)
               if n.phone_number == number]
    if not matches:
        # TRANSLATORS: ivr twilio configure: the Twilio account has no such number.
        raise SetupError(notice("%(number)s is not a phone number of account %(account)s", number=number,
                                account=client.account_sid))
    return matches[0]


def configure_number(client, number: str, wanted: dict[Setting, str], dry_run: bool) -> list[Change]:
    """Bring the number's webhooks to `wanted`; returns what differed. Changes nothing if dry_run."""
    found = find_number(client, number)
    changes = [Change(setting, getattr(found, setting.attribute, None), value)
               for setting, value in wanted.items()
               if getattr(found, setting.attribute, None) != value]
    if changes and not dry_run:
        client.incoming_phone_numbers(found.sid).update(
            **{setting.attribute: value for setting, value in wanted.items()})
    return changes


def _public_url(value: str, name: str, https_only: bool) -> str:
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("https", "http")
    if parts.scheme not in schemes or not parts.netloc:
        if https_only:
            # TRANSLATORS: ivr twilio configure --url must be a whole https:// address.
            message = notice("'%(value)s' is not an absolute https URL", value=value)
        else:
            # TRANSLATORS: ivr twilio configure --fallback-url must be a whole https:// or http:// address.
            message = notice("'%(value)s' is not an absolute https or http URL", value=value)
        raise click.BadParameter(message, param_hint=name)
    return value


def fallback_twiml(routes_path: str, desk_id: str = CENTER_DESK) -> str:
    """Static TwiML for VoiceFallbackUrl: greeting, apology and 188, the center's number twice, hours."""
    from ..core.flow import CallFlow, fault_step
    from ..core.steps import Step
    from ..core.outcomes import Outcome
    from ..core.readings import Reader, Words
    from ..core.wording import load_translations
    from ..routesfile.loader import load_routes
    from ..web.twiml import render

    routes = load_routes(routes_path)
    reader = Reader(load_translations())
    flow = CallFlow(routes, reader, lambda day: False)
    desk = routes.desks[desk_id]
    speech = reader.text(routes.greeting) + fault_step(reader).speech
    speech += flow.contact(desk)
    if desk.notes:  # what the center takes, e.g. advertising and promotional email
        speech += reader.text(desk.notes[0])
    if desk.hours is not None:
        speech += (Words(reader.hours(desk.hours)),)
    speech += flow.goodbye(Outcome.ERROR).speech

    def no_urls(endpoint, position):
        raise AssertionError("the fallback document has no links back to the line")

    return render(Step(speech, Outcome.ERROR), routes.voice, routes.input.timeout, no_urls).decode() + "\n"


@click.group()
def twilio() -> None:
    """Set up the Twilio side of the line: the number's webhooks and the fallback TwiML."""


@twilio.command()
@click.option("--number", required=True, metavar="+81…",
              help="The line's Twilio phone number, in E.164 form (+815012345678).")
@click.option("--url", "line_url", required=True, metavar="https://…",
              help="The public base URL of the line; webhooks go to <url>/voice.")
@click.option("--fallback-url", required=True, metavar="https://…/fallback.xml",
              help="Where infra/fallback.xml is served, apart from the line's servers.")
@click.option("--fallback-method", type=click.Choice(["GET", "POST"]), default="GET",
              show_default=True, help="How Twilio fetches the fallback (static hosts serve GET).")
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option("--api-url", envvar="TWILIO_API_URL", default=API_URL, show_default=True,
              help="Twilio's REST API base URL (a local stand-in for tests).")
def configure(number: str, line_url: str, fallback_url: str, fallback_method: str,
              dry_run: bool, api_url: str) -> None:
    """Point NUMBER's voice webhooks at the line: VoiceUrl, VoiceFallbackUrl, StatusCallback.

    Reads TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN from the environment and prints
    each setting it changes.
    """
    from twilio.base.exceptions import TwilioException, TwilioRestException
    from twilio.rest import Client

    if not PHONE_NUMBER.match(number):
        # TRANSLATORS: ivr twilio configure --number must be written with + and the country code.
        raise click.BadParameter(notice("'%(number)s' is not an E.164 number like +815012345678", number=number),
                                 param_hint="--number")
    wanted = wanted_settings(_public_url(line_url, "--url", https_only=True),
                             _public_url(fallback_url, "--fallback-url", https_only=False),
                             fallback_method)
    credentials = Settings.from_environ()
    account, token = credentials.account_sid, credentials.auth_token
    if not account or not token:
        # TRANSLATORS: ivr twilio configure needs the Twilio account's credentials in the environment.
        _say(notice("ivr twilio configure: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"), err=True)
        sys.exit(2)
    client = Client(account, token)
    client.api.base_url = api_url.rstrip("/")
    try:
        changes = configure_number(client, number, wanted, dry_run)
    except SetupError as error:
        # TRANSLATORS: ivr twilio configure cannot set the number up; reason says why.
        _say(notice("ivr twilio configure: %(reason)s", reason=error.args[0]), err=True)
        sys.exit(1)
    except (TwilioRestException, TwilioException) as error:
        # TRANSLATORS: ivr twilio configure: Twilio's API refused the request; reason is Twilio's own words.
        _say(notice("ivr twilio configure: Twilio refused: %(reason)s", reason=str(error)), err=True)
        sys.exit(1)
    except OSError as error:
        # TRANSLATORS: ivr twilio configure: Twilio's API (its address) did not answer; reason is the
        # system's words.
        _say(notice("ivr twilio configure: cannot reach %(url)s: %(reason)s", url=api_url, reason=str(error)),
             err=True)
        sys.exit(1)
    if not changes:
        # TRANSLATORS: ivr twilio configure: every setting of the number is already right.
        _say(notice("%(number)s: already set up, nothing to change", number=number))
        return
    if dry_run:
        # TRANSLATORS: ivr twilio configure --dry-run: how many settings would change (listed below).
        _say(notice("%(number)s: would change %(count)s setting(s)", number=number, count=len(changes)))
    else:
        # TRANSLATORS: ivr twilio configure: how many settings were changed (listed below).
        _say(notice("%(number)s: changed %(count)s setting(s)", number=number, count=len(changes)))
    for change in changes:
        click.echo("  " + change.said().render(_locale()))


def _locale() -> str:
    return locale_from_environ(os.environ)


def _say(text, err: bool = False) -> None:
    """Print a Notice in the operators' language."""
    click.echo(text.render(_locale()), err=err)


@twilio.command()
@click.option("--routes", default=lambda: Settings.from_environ().routes,
              show_default="$IVR_ROUTES or routes.yaml", help="The routes file the line serves.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the document here (infra/fallback.xml) instead of printing it.")
def fallback(routes: str, output: str) -> None:
    """Write the static TwiML Twilio plays when the line does not answer (VoiceFallbackUrl)."""
    from ..routesfile.loader import RoutesError

    try:
        document = fallback_twiml(routes)
    except RoutesError as error:
        for problem in error.problems:
            click.echo(problem.text(_locale()), err=True)
        sys.exit(1)
    if output == "-":
        click.echo(document, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError as error:
        # TRANSLATORS: ivr twilio fallback: the file could not be written; reason is the system's words.
        raise click.ClickException(notice("cannot write %(file)s: %(reason)s", file=output,
                                          reason=error.strerror)) from None
