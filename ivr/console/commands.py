"""`ivr console` (the operators' console, served by gunicorn) and `ivr operators` (its accounts)."""

from __future__ import annotations

import getpass
import os
import sys

import click

from ..core.notices import locale_from_environ, notice, pnotice
from ..records.commands import RecordsCommand
from ..settings import ConfigError


def _accounts():
    """The accounts and the audit trail in the records database; one that cannot be opened or
    made ends the command with one line naming it, as `ivr routes` does."""
    from ..records.commands import _ready_engine
    from ..records.versions import VersionStore
    from ..settings import Settings
    from .accounts import Accounts

    settings = Settings.from_environ()
    if not settings.records_url:
        # TRANSLATORS: ivr operators: no records database is set, where the accounts are kept.
        raise click.UsageError(notice("the accounts live in the records database: set DATABASE_URL or "
                                      "IVR_RECORDS_DB (not off)"))
    engine = _ready_engine(settings.records_url, option=False)
    return Accounts(engine), VersionStore(engine)


def _say(text, err: bool = False) -> None:
    """Print a Notice in the operators' language."""
    click.echo(text.render(locale_from_environ(os.environ)), err=err)


def _role(role: str) -> str:
    """A role in the operators' language."""
    words = {
        # TRANSLATORS: the console's role that only looks (ja: 閲覧担当).
        "viewer": pnotice("role", "viewer"),
        # TRANSLATORS: the console's role that prepares drafts (ja: 編集担当).
        "editor": pnotice("role", "editor"),
        # TRANSLATORS: the console's role that publishes and rolls back (ja: 公開担当).
        "publisher": pnotice("role", "publisher"),
    }
    word = words.get(role)
    return role if word is None else word.render(locale_from_environ(os.environ))


def _who() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
def console(host: str, port: int, workers: int) -> None:
    """Serve the operators' console, a web app of its own (never the webhook port).

    The center's staff log in with the accounts of `ivr operators`, prepare closures,
    announcements and desks' details as a draft, check it, try a call, publish and roll
    back, in Japanese. Needs IVR_CONSOLE_SECRET (a random value of at least 32 characters)
    and the records database (DATABASE_URL or IVR_RECORDS_DB); reads IVR_ROUTES for the
    first version on an empty database. Cookies are Secure (HTTPS only) unless
    IVR_CONSOLE_INSECURE_COOKIES=1, for local use over plain HTTP.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from ..operators.server import run_gunicorn
    from .app import create_console

    try:
        app = create_console()
    except ConfigError as error:
        # TRANSLATORS: ivr console could not start; error says why (a setting to set).
        _say(notice("ivr console: cannot start:\n%(error)s", error=error.args[0]), err=True)
        sys.exit(1)
    except SQLAlchemyError as error:
        first = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0]
        # TRANSLATORS: the records database failed; detail is the database's own words.
        _say(notice("ivr console: cannot start:\n%(error)s", error=notice("records database: %(detail)s",
                                                                          detail=first)), err=True)
        sys.exit(1)
    if not any(not account.disabled for account in app.extensions["ivr.console"].accounts.all()):
        # TRANSLATORS: ivr console starts, but no account can log in yet; the command adds one.
        _say(notice("ivr console: no account can log in yet: add one with "
                    "ivr operators add NAME --role publisher --password-stdin"), err=True)
    run_gunicorn(app, host, port, workers)


@click.group()
def operators() -> None:
    """The operators' console accounts: add, list, disable (in the records database)."""


@operators.command("add", cls=RecordsCommand)
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "editor", "publisher"]), required=True,
              help="viewer: looks; editor: also prepares drafts; publisher: also publishes and rolls back.")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password (at least 12 characters) from standard input, never from the command line.")
def add(name: str, role: str, password_stdin: bool) -> None:
    """Add an account NAME with a role; the password comes from standard input."""
    from .accounts import AccountError

    password = sys.stdin.readline().rstrip("\r\n")
    accounts, store = _accounts()
    try:
        accounts.add(name, role, password)
    except AccountError as error:
        raise click.ClickException(error.args[0]) from None
    store.record(actor=_who(), action="account_add", detail=f"{name} as {role}")
    # TRANSLATORS: ivr operators add: the account was made, with its role.
    _say(notice("added %(name)s (%(role)s)", name=name, role=_role(role)))


@operators.command("list", cls=RecordsCommand)
def list_accounts() -> None:
    """Every account: name, role, whether disabled, last login (Japan time)."""
    from ..core.hours import in_japan

    accounts, _ = _accounts()
    for account in accounts.all():
        # TRANSLATORS: ivr operators list: an account that never logged in.
        last = in_japan(account.last_login_at).strftime("%Y-%m-%d %H:%M") if account.last_login_at else notice("never")
        # TRANSLATORS: ivr operators list: an account that can no longer log in.
        disabled = notice("disabled")
        # TRANSLATORS: ivr operators list: an account that can log in.
        active = notice("active")
        # TRANSLATORS: ivr operators list: when the account last logged in (Japan time), or never.
        login = notice("last login %(time)s", time=last)
        locale = locale_from_environ(os.environ)
        state = disabled if account.disabled else active
        click.echo("\t".join((account.name, _role(account.role), state.render(locale), login.render(locale))))


@operators.command("disable", cls=RecordsCommand)
@click.argument("name")
def disable(name: str) -> None:
    """Disable account NAME: it can no longer log in, and its sessions end at once."""
    from .accounts import AccountError

    accounts, store = _accounts()
    try:
        accounts.disable(name)
    except AccountError as error:
        raise click.ClickException(error.args[0]) from None
    store.record(actor=_who(), action="account_disable", detail=name)
    # TRANSLATORS: ivr operators disable: the account can no longer log in.
    _say(notice("disabled %(name)s", name=name))
