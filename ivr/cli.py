"""The `ivr` command: serve the line, call it from the terminal, check routes.yaml."""

from __future__ import annotations

import os
import sys
from datetime import datetime

import click

from .routes import RoutesError, load_routes
from .twilio_setup import twilio

DIAL_STATUSES = ("completed", "answered", "busy", "no-answer", "failed", "canceled")


def _japan_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    from .hours import JAPAN

    for form in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=JAPAN)
        except ValueError:
            continue
    raise click.BadParameter(f"'{value}' is not a Japan time like \"2026-12-29 10:00\"")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="meiwaku-ivr")
def main() -> None:
    """The 迷惑メール相談 phone line: serve it, call it, check its routes.yaml."""


@main.command()
@click.argument("routes", default="routes.yaml", type=click.Path(dir_okay=False))
def check(routes: str) -> None:
    """Check ROUTES (default routes.yaml) exactly as the server loads it.

    Prints every problem as FILE:LINE: KEY PATH: what is wrong, and exits 1 if
    there is any; exits 0 when the file can be served.
    """
    try:
        loaded = load_routes(routes)
    except RoutesError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    click.echo(f"{routes}: OK ({len(loaded.menus)} menus, {len(loaded.desks)} desks, "
               f"digest {loaded.digest})")


@main.command()
@click.option("--routes", default=lambda: os.environ.get("IVR_ROUTES", "routes.yaml"),
              show_default="$IVR_ROUTES or routes.yaml", help="The routes file to serve.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="Pretend the call happens at this Japan time (holidays, hours).")
@click.option("--keys", metavar="3,1", help="Keys to press in turn, comma-separated; - is "
              "silence. Without it you type keys as the call goes.")
@click.option("--from", "caller", default="+819000000000", show_default=True,
              help="The caller's number Twilio would send.")
@click.option("--dial-status", type=click.Choice(DIAL_STATUSES), default="completed",
              show_default=True, help="How a transfer ends (Twilio's DialCallStatus).")
def call(routes: str, at: str | None, keys: str | None, caller: str, dial_status: str) -> None:
    """Call the line from the terminal and read what a caller hears.

    The real app runs in this process and every step is a signed request, exactly
    as Twilio sends it. No Twilio account is needed.
    """
    from .phone import Call, local_app, scripted

    try:
        app, token = local_app(routes, _japan_time(at))
    except RoutesError as error:
        click.echo(str(error), err=True)
        sys.exit(1)

    def ask() -> str | None:
        answer = click.prompt("key (0-9 * #; Enter = silence; q = hang up)", default="",
                              show_default=False)
        return None if answer.strip().lower() == "q" else answer.strip()[:1]

    press = scripted(keys.split(",")) if keys is not None else ask
    Call(app, token, caller, dial_status).run(press, lambda event: click.echo(str(event)))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=lambda: (os.cpu_count() or 1) * 2 + 1, type=int,
              show_default="2 × CPUs + 1", help="gunicorn worker processes.")
@click.option("--dev", is_flag=True, help="Local development mode: Flask's server, and "
              "without TWILIO_AUTH_TOKEN requests are not checked. Never expose it.")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the line's webhooks (POST /voice) for Twilio.

    Reads IVR_ROUTES (default routes.yaml) and TWILIO_AUTH_TOKEN from the
    environment, and refuses to start if either is unusable.
    """
    from . import ConfigError, create_app

    if dev:
        os.environ["IVR_DEV"] = "1"
        click.secho("*" * 72 + "\n  DEVELOPMENT MODE: not for production. Without TWILIO_AUTH_TOKEN "
                    "requests\n  are not checked against Twilio signatures.\n" + "*" * 72,
                    fg="red", bold=True, err=True)
    try:
        app = create_app()
    except (ConfigError, RoutesError) as error:
        click.echo(f"ivr serve: cannot start:\n{error}", err=True)
        sys.exit(1)
    if dev:
        app.run(host=host, port=port, debug=False)
        return
    from .server import run_gunicorn

    run_gunicorn(app, host, port, workers)


main.add_command(twilio)


from .records_cli import db, purge, report  # noqa: E402

main.add_command(report)
main.add_command(purge)
main.add_command(db)
