"""The `ivr` command: serve the line, call it from the terminal, check routes.yaml."""

from __future__ import annotations

import os
import sys

import click

from ..routesfile.loader import RoutesError
from ..settings import Settings
from .moments import japan_time as _japan_time
from .moments import moment as _moment
from .twilio_setup import twilio

DIAL_STATUSES = ("completed", "answered", "busy", "no-answer", "failed", "canceled")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="meiwaku-ivr")
def main() -> None:
    """The 迷惑メール相談 phone line: serve it, call it, check its routes.yaml."""


ROUTES_ARG = click.argument("routes", default="routes.yaml",
                            type=click.Path(dir_okay=False))
AT_OPTION = click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
                         help="Japan time to judge hours and open desks at (default: now).")


def _flow_or_exit(routes: str):
    from ..web.served import offline_flow

    try:
        return offline_flow(routes)
    except RoutesError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)


@main.command()
@ROUTES_ARG
@click.option("--strict", is_flag=True, help="Exit 1 on warnings as well as on errors.")
@AT_OPTION
def check(routes: str, strict: bool, at: str | None) -> None:
    """Check ROUTES (default routes.yaml) exactly as the server loads it, then lint it.

    Errors (the server would refuse the file) are printed as FILE:LINE: KEY PATH:
    what is wrong, and exit 1: among them a number written in digits in spoken
    text, anchors and aliases (&name, *name), a file over 1 MiB, and a menu or
    answer too long for Twilio's <Say> (4,096 characters, 4,500 URL-encoded).
    Warnings (menus with more than 5 options, desks deeper than 3 presses or that
    no menu leads to, paths that take too long to hear on the day of --at, a
    <Say> within 10 % of Twilio's limits, calendar entries and announcements
    wholly in the past, announcements over 10 s of speech) exit 0, or 1 with
    --strict. Exit 2 is a mistake in the command itself.
    """
    from .lint import lint
    from .preview import open_jtalk

    flow = _flow_or_exit(routes)
    warnings = lint(flow, _moment(at))
    for warning in warnings:
        click.echo(f"{warning.file}:{warning.line}: warning: "
                   f"{str(warning).split(': ', 1)[1]}", err=True)
    loaded = flow.routes
    timer = "Open JTalk" if open_jtalk() else "a mora-count estimate"
    click.echo(f"{routes}: OK ({len(loaded.menus)} menus, {len(loaded.desks)} desks, "
               f"digest {loaded.digest}); {len(warnings)} warning(s); speech timed by {timer}")
    if strict and warnings:
        sys.exit(1)


@main.command()
@ROUTES_ARG
@click.option("--format", "form", type=click.Choice(["text", "mermaid", "dot", "svg"]),
              default="text", show_default=True, help="How to draw the menu.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write to this file (svg: default routes.svg) instead of the terminal.")
@AT_OPTION
def tree(routes: str, form: str, out: str | None, at: str | None) -> None:
    """Draw the whole menu: every key with its wording, every desk with number and hours.

    text, mermaid and dot print to the terminal; svg draws a picture with
    Graphviz (apt-get install graphviz) into routes.svg or --out. The text form
    ends with the calendar's closures and special hours and the announcements
    from today (or --at) on.
    """
    from ..core.hours import in_japan
    from .tree import GraphvizMissing, render_tree

    flow = _flow_or_exit(routes)
    try:
        drawing = render_tree(flow.routes, form, in_japan(_moment(at)).date())
    except GraphvizMissing as error:
        raise click.ClickException(str(error)) from None
    out = out or ("routes.svg" if form == "svg" else None)
    if out is None:
        click.echo(drawing)
        return
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(drawing)
    click.echo(f"wrote {out}")


@main.command()
@ROUTES_ARG
@click.option("--out", type=click.Path(file_okay=False),
              help="Also write one WAV file per path into this folder, to listen to.")
@AT_OPTION
def preview(routes: str, out: str | None, at: str | None) -> None:
    """Seconds of speech until each desk's number has been given, path by path.

    Counted to the end of the sentence that gives the number. "quick" is a caller
    who presses as soon as their topic is named (limit 20 s), "patient" one who
    hears every menu to its end (limit 40 s), on the day of --at: that day's
    announcements are heard too, and listed. Then the spoken path: for each option
    with says:, its first phrase said at the first menu, where it leads and the
    seconds from the end of the caller's words (limit 8 s). Timed with Open JTalk
    when the speech extra is installed (pip install 'meiwaku-ivr[speech]'),
    otherwise estimated from the mora count.
    """
    from pathlib import Path

    from .preview import (EAGER_LIMIT, PATIENT_LIMIT, SPOKEN_LIMIT, open_jtalk, spoken_timings,
                          timings, write_wav)

    flow = _flow_or_exit(routes)
    if out and open_jtalk() is None:
        raise click.ClickException("--out needs the speech extra: pip install 'meiwaku-ivr[speech]'")
    from ..core.hours import in_japan
    from .tree import describe_announcement, describe_entry

    moment = _moment(at)
    day = in_japan(moment).date()
    calendar = flow.routes.calendar
    for announcement in calendar.announcements:
        if announcement.on(day):
            click.echo(f"on {day}: announcement {describe_announcement(announcement)}")
    for entry in calendar.entries:
        if day in entry.dates:
            click.echo(f"on {day}: calendar {describe_entry(entry, (day,))}")
    click.echo(f"{'keys':8}{'desk':16}{'quick':>8}{'patient':>9}")
    for timing in timings(flow, moment):
        path = timing.path
        flags = []
        if timing.eager > EAGER_LIMIT:
            flags.append(f"quick over {EAGER_LIMIT:.0f} s")
        if timing.patient > PATIENT_LIMIT:
            flags.append(f"patient over {PATIENT_LIMIT:.0f} s")
        keys = "-".join(path.keys)
        click.echo(f"{keys:8}{path.desk:16}{timing.eager:7.1f}s{timing.patient:8.1f}s"
                   + (f"  TOO LONG: {', '.join(flags)}" if flags else ""))
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            write_wav(path.transcript, Path(out) / f"{keys}_{path.desk}.wav")
    said = spoken_timings(flow, _moment(at))
    if said:
        click.echo(f"\n{'topic':12}{'desk':16}{'after words':>12}  said at the first menu")
    for timing in said:
        path = timing.path
        flag = ("  NOT UNDERSTOOD" if path.desk is None else
                f"  TOO LONG: over {SPOKEN_LIMIT:.0f} s" if timing.too_long else "")
        click.echo(f"{path.menu + '/' + path.key:12}{path.desk or '-':16}"
                   f"{timing.seconds:11.1f}s  {path.words}{flag}")
    click.echo("timed by " + ("Open JTalk" if open_jtalk() else "a mora-count estimate "
                               "(install the speech extra for Open JTalk)"))


@main.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@AT_OPTION
def diff(old: str, new: str, at: str | None) -> None:
    """What changes for callers between OLD and NEW versions of routes.yaml.

    For the greeting, every menu and every key path whose words differ on the day
    of --at: the sentences a caller would no longer hear (-) and would now hear
    (+); paths that appear or vanish, or lead to another desk, are named; then
    the calendar entries and announcements removed (-) and added (+), all dates.
    Exits 0 when callers hear no difference, 1 when they do.
    """
    from .diff import change_lines, diff_routes

    changes = diff_routes(_flow_or_exit(old), _flow_or_exit(new), _moment(at))
    for line in change_lines(changes):
        click.echo(line)
    sys.exit(1 if changes else 0)


@main.command()
@click.option("--routes", default=lambda: Settings.from_environ().routes,
              show_default="$IVR_ROUTES or routes.yaml", help="The routes file to serve.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="Pretend the call happens at this Japan time (holidays, hours, the "
              "calendar's closures and special hours, announcements).")
@click.option("--keys", metavar="3,1", help="Keys to press in turn, comma-separated; - is "
              "silence. Without it you type keys as the call goes.")
@click.option("--say", "said", metavar="WORDS", help="Words the caller says at the first menu, "
              "as Twilio's speech recogniser would send them; --keys follow.")
@click.option("--from", "caller", default="+81312345678", show_default=True,
              help="The caller's number Twilio would send. A Japanese mobile (+8170…, +8180…, "
              "+8190…) is offered the desk's details by text message, which is printed here, "
              "not sent.")
@click.option("--dial-status", type=click.Choice(DIAL_STATUSES), default="completed",
              show_default=True, help="How a transfer ends (Twilio's DialCallStatus).")
def call(routes: str, at: str | None, keys: str | None, said: str | None, caller: str,
         dial_status: str) -> None:
    """Call the line from the terminal and read what a caller hears.

    The real app runs in this process and every step is a signed request, exactly
    as Twilio sends it. No Twilio account is needed. Type a key, or words to say
    them (where the line listens for words, as on its menus).
    """
    from .phone import Call, Said, local_app, quiet_server_log, scripted

    def ask() -> str | None:
        answer = click.prompt("key (0-9 * #), or words; Enter = silence; q = hang up", default="",
                              show_default=False).strip()
        if answer.lower() == "q":
            return None
        return answer if len(answer) <= 1 else Said(answer)

    if keys is not None or said:
        press = scripted(keys.split(",") if keys else [], said)
    else:
        press = ask
    with quiet_server_log():  # the terminal shows the call, not the server's log
        try:
            app, token = local_app(routes, _japan_time(at))
        except RoutesError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
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
    environment, and refuses to start if either is unusable. Runs gunicorn with
    the configuration the image uses (gthread workers of 32 threads; see the
    README's "Reliability"); SIGHUP replaces the workers, which serve the last
    good routes.yaml.
    """
    from ..app import ConfigError, create_app

    if dev:
        click.secho("*" * 72 + "\n  DEVELOPMENT MODE: not for production. Without TWILIO_AUTH_TOKEN "
                    "requests\n  are not checked against Twilio signatures.\n" + "*" * 72,
                    fg="red", bold=True, err=True)
        app = _app_or_exit(lambda: create_app({"dev": True}), (ConfigError, RoutesError))
        app.run(host=host, port=port, debug=False)
        return
    from .server import metrics_shared_between_workers, run_gunicorn

    with metrics_shared_between_workers():
        app = _app_or_exit(create_app, (ConfigError, RoutesError))
        run_gunicorn(app, host, port, workers)


def _app_or_exit(create_app, refusals):
    """The app, or a one-line reason on stderr and exit 1."""
    try:
        return create_app()
    except refusals as error:
        click.echo(f"ivr serve: cannot start:\n{error}", err=True)
        sys.exit(1)


main.add_command(twilio)


from ..records.commands import db, purge, report  # noqa: E402
from .versions import routes  # noqa: E402

main.add_command(routes)
main.add_command(report)
main.add_command(purge)
main.add_command(db)
