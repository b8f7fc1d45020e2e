"""The `ivr` command: serve the line, call it from the terminal, check routes.yaml."""

from __future__ import annotations

import os
import re
import sys

import click

from ..core.notices import ENGLISH, Notice, in_locale, language_of, locale_from_environ, notice, pnotice
from ..routesfile.loader import RoutesError
from ..settings import Settings
from .moments import japan_time as _japan_time
from .moments import moment as _moment

DIAL_STATUSES = ("completed", "answered", "busy", "no-answer", "failed", "canceled")


def operator_locale() -> str:
    """The operators' language: "ja" under a Japanese locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    return locale_from_environ(os.environ)


class _SaidInLocale(click.ClickException):
    """A command's error, said in the operators' language (click's own words are English)."""

    def __init__(self, error: click.ClickException, locale: str):
        super().__init__(error.format_message())
        self.error, self.locale, self.exit_code = error, locale, error.exit_code

    def _message(self) -> str:
        error, locale = self.error, self.locale
        hint = None
        if isinstance(error, click.BadParameter):
            hint = error.param_hint or (error.param.get_error_hint(error.ctx) if error.param else None)
            if isinstance(hint, (list, tuple)):
                hint = " / ".join(hint)
        if isinstance(error, click.MissingParameter) and hint:
            # TRANSLATORS: a required option or argument of an ivr command is missing, e.g. '--month'.
            return notice("Missing %(option)s.", option=hint).render(locale)
        if isinstance(error, click.BadParameter):
            message = error.message
            if not isinstance(message, Notice) and error.param is not None:
                message = _what_a_type_takes(error.param, message)
            if hint:
                # TRANSLATORS: an option of an ivr command has a wrong value; message says why.
                return notice("Invalid value for %(option)s: %(message)s", option=hint,
                              message=in_locale(message, locale)).render(locale)
            # TRANSLATORS: a value given to an ivr command is wrong; message says why.
            return notice("Invalid value: %(message)s", message=in_locale(message, locale)).render(locale)
        if isinstance(error, click.NoSuchOption):
            # TRANSLATORS: an option the ivr command does not have, e.g. --mnth.
            said = notice("No such option: %(option)s", option=error.option_name).render(locale)
            return said + _possibilities(error.possibilities, locale)
        no_such_command = getattr(click, "NoSuchCommand", None)  # click 8.4 and later
        if no_such_command is not None and isinstance(error, no_such_command):
            # TRANSLATORS: a subcommand the ivr command does not have, e.g. ivr chek.
            said = notice("No such command: %(command)s", command=error.command_name).render(locale)
            return said + _possibilities(error.possibilities, locale)
        if isinstance(error, click.BadOptionUsage) and str(error.message).endswith(" requires an argument."):
            # TRANSLATORS: an option of an ivr command was given without its value, e.g. --at.
            return notice("%(option)s needs a value.", option=error.option_name).render(locale)
        extra = _EXTRA_ARGUMENTS.fullmatch(str(error.message))
        if isinstance(error, click.UsageError) and not isinstance(error.message, Notice) and extra:
            # TRANSLATORS: an ivr command was given more arguments than it takes; arguments are the extra ones.
            return notice("Unexpected extra arguments: %(arguments)s", arguments=extra.group(1)).render(locale)
        return in_locale(error.message, locale)

    def show(self, file=None) -> None:
        # TRANSLATORS: how an ivr command shows an error.
        click.echo(notice("Error: %(message)s", message=self._message()).render(self.locale), err=True)
        ctx = getattr(self.error, "ctx", None)
        if isinstance(self.error, click.UsageError) and ctx is not None:
            # TRANSLATORS: after a mistake in a command: where its help is (the help is in English).
            click.echo(notice("See '%(command)s --help' for how to use it.",
                              command=ctx.command_path).render(self.locale), err=True)


# click's words for arguments a command does not take: "Got unexpected extra argument (b)".
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra arguments? \((.*)\)")


def _what_a_type_takes(param: click.Parameter, message: str) -> str:
    """Why click's own type refused a value, as a Notice (click's English where it is not known)."""
    kind = param.type
    if isinstance(kind, click.Choice):
        # TRANSLATORS: an option of an ivr command takes one of a few words (e.g. text, csv, png).
        return notice("choose one of %(choices)s", choices=[str(choice) for choice in kind.choices])
    if isinstance(kind, click.IntRange) and kind.min is not None and kind.max is None and not kind.min_open:
        # TRANSLATORS: an option of an ivr command takes a whole number, this one or more.
        return notice("give a whole number of at least %(least)s", least=kind.min)
    if isinstance(kind, click.types.IntParamType):
        # TRANSLATORS: an option or argument of an ivr command takes a whole number (e.g. a version).
        return notice("give a whole number")
    if isinstance(kind, click.Path):
        if message.endswith(" is a directory."):
            # TRANSLATORS: an ivr command was given a folder where it takes a file.
            return notice("give a file, not a folder")
        if message.endswith(" is a file."):
            # TRANSLATORS: an ivr command was given a file where it takes a folder.
            return notice("give a folder, not a file")
        if message.endswith(" is not writable."):
            # TRANSLATORS: an ivr command was given a file it cannot write.
            return notice("the file cannot be written")
    return message


def _possibilities(names, locale: str) -> str:
    """click's guesses at what was meant, said in a locale (nothing when it has none)."""
    if not names:
        return ""
    # TRANSLATORS: after an unknown option or command of ivr: the names that look like it.
    return " " + notice("Did you mean %(names)s?", names=list(names)).render(locale)


def _in_locale(error: click.ClickException) -> click.ClickException:
    """The error as the operators read it: said in their language unless it is English, or the
    help shown for a group given no command (the help stays English)."""
    locale = operator_locale()
    help_shown = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later
    if language_of(locale) == ENGLISH or isinstance(error, (_SaidInLocale, help_shown)):
        return error
    return _SaidInLocale(error, locale)


class OperatorGroup(click.Group):
    """The `ivr` group: under a Japanese locale its commands' errors are said in Japanese."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as error:  # a mistake in ivr's own options (ivr --versoin)
            said = _in_locale(error)
            if said is error:
                raise
            raise said from error

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            said = _in_locale(error)
            if said is error:
                raise
            raise said from error


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the installed package's version, in the operators' language."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    # TRANSLATORS: what `ivr --version` prints; version is the package's, e.g. 0.1.0.
    click.echo(notice("ivr, version %(version)s", version=version("meiwaku-ivr")).render(operator_locale()))
    ctx.exit()


@click.group(cls=OperatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
def main() -> None:
    """The 迷惑メール相談 phone line: serve it, call it, check its routes.yaml."""


ROUTES_ARG = click.argument("routes", default="routes.yaml",
                            type=click.Path(dir_okay=False))
AT_OPTION = click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
                         help="Japan time to judge hours and open desks at (default: now).")


def _flow_or_exit(routes: str):
    from ..routesfile.flows import offline_flow

    try:
        return offline_flow(routes)
    except RoutesError as error:
        locale = operator_locale()
        for problem in error.problems:
            click.echo(problem.text(locale), err=True)
        sys.exit(1)


@main.command()
@ROUTES_ARG
@click.option("--strict", is_flag=True, help="Exit 1 on warnings as well as on errors.")
@AT_OPTION
def check(routes: str, strict: bool, at: str | None) -> None:
    """Check ROUTES (default routes.yaml) exactly as the server loads it, then lint it.

    Errors (the server would refuse the file) are printed as FILE:LINE: KEY PATH:
    what is wrong, and exit 1: among them a number written in digits in spoken
    text, a phone number without hyphens or whose first group is not its area
    code (035-974-0068 for 03-5974-0068), anchors and aliases (&name, *name), a
    file over 1 MiB, and a menu or answer too long for Twilio's <Say> (4,096
    characters, 4,500 URL-encoded). Warnings (menus with more than 5 options, a
    label ending in a verb (…消えないは2), desks deeper than 3 presses or that no
    menu leads to, paths that take too long to hear on the day of --at, counting
    every pause and the slowed numbers, a <Say> within 10 % of Twilio's limits,
    calendar entries and announcements wholly in the past, a closure on a day the
    desk is closed anyway, announcements over 10 s of speech) exit 0, or 1 with
    --strict. Exit 2 is a mistake in the command itself.
    """
    from .lint import lint
    from .preview import open_jtalk

    locale = operator_locale()
    flow = _flow_or_exit(routes)
    warnings = lint(flow, _moment(at))
    # TRANSLATORS: marks a warning of ivr check (the file is used, but could be better for callers).
    label = notice("warning").render(locale)
    for warning in warnings:
        where, message = warning.where_in(locale), warning.message_in(locale)
        click.echo(f"{warning.file}:{warning.line}: {label}: " + (f"{where}: {message}" if where else message),
                   err=True)
    loaded = flow.routes
    counts = dict(file=routes, menus=len(loaded.menus), desks=len(loaded.desks), digest=loaded.digest,
                  warnings=len(warnings))
    if open_jtalk():
        # TRANSLATORS: ivr check found no error; digest identifies the file's version.
        ok = notice("%(file)s: OK (%(menus)s menus, %(desks)s desks, digest %(digest)s); "
                    "%(warnings)s warning(s); speech timed by Open JTalk", **counts)
    else:
        # TRANSLATORS: as above, speech timed from the count of morae instead of Open JTalk.
        ok = notice("%(file)s: OK (%(menus)s menus, %(desks)s desks, digest %(digest)s); "
                    "%(warnings)s warning(s); speech timed by a mora-count estimate", **counts)
    click.echo(ok.render(locale))
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
    shows the unclear: words and their question after the menus, and ends with
    the calendar's closures and special hours and the announcements from today
    (or --at) on.
    """
    from ..core.hours import in_japan
    from .tree import GraphvizMissing, render_tree

    locale = operator_locale()
    flow = _flow_or_exit(routes)
    try:
        drawing = render_tree(flow.routes, form, in_japan(_moment(at)).date(), locale)
    except GraphvizMissing as error:
        raise click.ClickException(error.args[0]) from None
    out = out or ("routes.svg" if form == "svg" else None)
    if out is None:
        click.echo(drawing)
        return
    try:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(drawing)
    except OSError as error:
        raise _cannot_write(out, error) from None
    # TRANSLATORS: ivr tree wrote the drawing into this file.
    click.echo(notice("wrote %(file)s", file=out).render(locale))


@main.command()
@ROUTES_ARG
@click.option("--out", type=click.Path(file_okay=False),
              help="Also write one WAV file per path into this folder, to listen to.")
@AT_OPTION
def preview(routes: str, out: str | None, at: str | None) -> None:
    """Seconds of speech until each desk's number has been given, path by path.

    Counted to the end of the sentence that gives the number, as Twilio is asked
    to say it: the words, every pause (<break>) and each number at its slowed
    rate. "quick" is a caller
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

    locale = operator_locale()
    english = language_of(locale) == ENGLISH
    flow = _flow_or_exit(routes)
    if out and open_jtalk() is None:
        # TRANSLATORS: WAV files need Open JTalk, installed with the speech extra by this command.
        raise click.ClickException(notice("--out needs the speech extra: pip install 'meiwaku-ivr[speech]'"))
    from ..core.hours import in_japan
    from .tree import describe_announcement, describe_entry, desk_names

    moment = _moment(at)
    day = in_japan(moment).date()
    calendar = flow.routes.calendar
    names = desk_names(flow.routes, locale) or {}
    for announcement in calendar.announcements:
        if announcement.on(day):
            # TRANSLATORS: ivr preview: an announcement callers hear on the day of --at.
            click.echo(notice("on %(day)s: announcement %(entry)s", day=day,
                              entry=describe_announcement(announcement, locale, names)).render(locale))
    for entry in calendar.entries:
        if day in entry.dates:
            # TRANSLATORS: ivr preview: a calendar entry (closure, special hours) on the day of --at.
            click.echo(notice("on %(day)s: calendar %(entry)s", day=day,
                              entry=describe_entry(entry, (day,), locale, names)).render(locale))
    if english:
        click.echo(f"{'keys':8}{'desk':16}{'quick':>8}{'patient':>9}")
    else:
        click.echo(_columns_line([
            # TRANSLATORS: ivr preview's column of the keys a caller presses.
            (pnotice("preview column", "keys"), 8),
            # TRANSLATORS: ivr preview's column of seconds for a caller who presses as soon as their topic is named.
            (pnotice("preview column", "quick"), -10),
            # TRANSLATORS: ivr preview's column of seconds for a caller who hears every menu to its end.
            (pnotice("preview column", "patient"), -10),
            # TRANSLATORS: ivr preview's column of the desk a path leads to.
            (pnotice("preview column", "desk"), 0)], locale))
    for timing in timings(flow, moment):
        path = timing.path
        flags = []
        if timing.eager > EAGER_LIMIT:
            # TRANSLATORS: ivr preview: over the limit for a caller who presses at once.
            flags.append(notice("quick over %(limit)s s", limit=format(EAGER_LIMIT, ".0f")))
        if timing.patient > PATIENT_LIMIT:
            # TRANSLATORS: ivr preview: over the limit for a caller who hears every menu to its end.
            flags.append(notice("patient over %(limit)s s", limit=format(PATIENT_LIMIT, ".0f")))
        # TRANSLATORS: ivr preview: a path that takes too long to hear, and why.
        flag = ("  " + notice("TOO LONG: %(flags)s", flags=flags).render(locale)) if flags else ""
        keys = "-".join(path.keys)
        if english:
            click.echo(f"{keys:8}{path.desk:16}{timing.eager:7.1f}s{timing.patient:8.1f}s" + flag)
        else:
            click.echo(_columns_line([(keys, 8), (_seconds(timing.eager, locale), -10),
                                      (_seconds(timing.patient, locale), -10),
                                      (names.get(path.desk, path.desk) + flag, 0)], locale))
        if out:
            wav = Path(out) / f"{keys}_{path.desk}.wav"
            try:
                Path(out).mkdir(parents=True, exist_ok=True)
                write_wav(path.transcript, wav)
            except OSError as error:
                raise _cannot_write(wav, error) from None
    said = spoken_timings(flow, _moment(at))
    if said and english:
        click.echo(f"\n{'topic':12}{'desk':16}{'after words':>12}  said at the first menu")
    elif said:
        click.echo()
        click.echo(_columns_line([
            # TRANSLATORS: ivr preview's column of the menu and key of an option, e.g. top/4.
            (pnotice("preview column", "topic"), 12),
            # TRANSLATORS: ivr preview's column of seconds from the end of the caller's words to the number.
            (pnotice("preview column", "after words"), -12),
            # TRANSLATORS: ivr preview's column of the words said at the first menu, then where they lead.
            (pnotice("preview column", "said at the first menu"), 0)], locale))
    for timing in said:
        path = timing.path
        if path.desk is None:
            # TRANSLATORS: ivr preview: the words said lead to no desk.
            flag = "  " + notice("NOT UNDERSTOOD").render(locale)
        elif timing.too_long:
            # TRANSLATORS: ivr preview: the number comes too long after the caller's words.
            flag = "  " + notice("TOO LONG: over %(limit)s s", limit=format(SPOKEN_LIMIT, ".0f")).render(locale)
        else:
            flag = ""
        if english:
            click.echo(f"{path.menu + '/' + path.key:12}{path.desk or '-':16}"
                       f"{timing.seconds:11.1f}s  {path.words}{flag}")
        else:
            leads = names.get(path.desk, path.desk) if path.desk else "-"
            click.echo(_columns_line([(path.menu + "/" + path.key, 12), (_seconds(timing.seconds, locale), -12),
                                      (f"{path.words} → {leads}{flag}", 0)], locale))
    if open_jtalk():
        # TRANSLATORS: ivr preview's last line: the seconds came from Open JTalk's speech.
        click.echo(notice("timed by Open JTalk").render(locale))
    else:
        # TRANSLATORS: ivr preview's last line: the seconds are estimated from the count of morae.
        click.echo(notice("timed by a mora-count estimate (install the speech extra for Open JTalk)").render(locale))


def _cannot_write(file, error: OSError) -> click.ClickException:
    # TRANSLATORS: an ivr command cannot write a file; reason is the system's words.
    return click.ClickException(notice("cannot write %(file)s: %(reason)s", file=str(file),
                                       reason=error.strerror or str(error)))


def _seconds(seconds: float, locale: str) -> str:
    # TRANSLATORS: a number of seconds in ivr preview's columns (ja: 12.3秒).
    return notice("%(seconds)s s", seconds=format(seconds, ".1f")).render(locale)


def _columns_line(cells: list[tuple[str, int]], locale: str) -> str:
    """Cells padded to widths in terminal columns (full-width characters take two); a negative
    width aligns right; 0 leaves the last cell as it is."""
    out = ""
    for text, width in cells:
        text = in_locale(text, locale)
        pad = " " * max(0, abs(width) - _terminal_width(text))
        out += (pad + text + "  " if width < 0 else text + pad) if width else text
    return out


def _terminal_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@main.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@AT_OPTION
def diff(old: str, new: str, at: str | None) -> None:
    """What changes for callers between OLD and NEW versions of routes.yaml.

    For the greeting, every menu and every key path whose words differ on the day
    of --at: the sentences a caller would no longer hear (-) and would now hear
    (+); paths that appear or vanish, or lead to another desk, are named; then
    the calendar entries and announcements removed (-) and added (+), all dates,
    and the unclear: words' question, as ivr tree shows it.
    Exits 0 when callers hear no difference, 1 when they do.
    """
    from .diff import change_lines, diff_routes

    locale = operator_locale()
    old_flow, new_flow = _flow_or_exit(old), _flow_or_exit(new)
    changes = diff_routes(old_flow, new_flow, _moment(at), locale)
    for line in change_lines(changes, old_flow, new_flow, locale):
        click.echo(line)
    sys.exit(1 if changes else 0)


@main.command()
@click.option("--routes", default=lambda: Settings.from_environ().routes,
              show_default="$IVR_ROUTES or routes.yaml", help="The routes file to serve.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="Pretend the call happens at this Japan time (holidays, hours, the "
              "calendar's closures and special hours, announcements).")
@click.option("--keys", metavar="3,1", help="Keys to press in turn, comma-separated (full-width "
              "digits too); - is silence; anything else is words said at that step. Without it "
              "you type keys as the call goes (1 1 or 11 presses 1 twice).")
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
    as Twilio sends it. No Twilio account is needed. Type a key (full-width
    digits too; 1 1, 1,1 or 11 presses two keys in turn), or words to say them
    (the line listens for words at every step: menus, questions and answers).
    """
    from .phone import Call, local_app, quiet_server_log, scripted, typed

    locale = operator_locale()

    def ask() -> str:
        # TRANSLATORS: ivr call asks what the caller does next: keys, words, silence or hanging up.
        return click.prompt(notice("key (0-9 * #; 1 1 for two), or words; Enter = silence; q = hang up")
                            .render(locale), default="", show_default=False)

    if keys is not None or said:
        press = scripted(keys.split(",") if keys else [], said)
    else:
        press = typed(ask)
    with quiet_server_log():  # the terminal shows the call, not the server's log
        try:
            app, token = local_app(routes, _japan_time(at))
        except RoutesError as error:
            click.echo("\n".join(problem.text(locale) for problem in error.problems), err=True)
            sys.exit(1)
        Call(app, token, caller, dial_status).run(press, lambda event: click.echo(event.text_in(locale)))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=lambda: (os.cpu_count() or 1) * 2 + 1, type=int,
              show_default="2 × CPUs + 1", help="gunicorn worker processes.")
@click.option("--metrics-bind", metavar="HOST:PORT", default=None,
              show_default="$IVR_METRICS_BIND or 127.0.0.1:9464",
              help="Where GET /metrics is served, apart from the webhooks; off for nowhere.")
@click.option("--dev", is_flag=True, help="Local development mode: Flask's server, and "
              "without TWILIO_AUTH_TOKEN requests are not checked. Never expose it.")
def serve(host: str, port: int, workers: int, metrics_bind: str | None, dev: bool) -> None:
    """Serve the line's webhooks (POST /voice) for Twilio, and its metrics on a port of their own.

    Reads IVR_ROUTES (default routes.yaml) and TWILIO_AUTH_TOKEN from the
    environment, and refuses to start if either is unusable. With call records
    on (DATABASE_URL, or IVR_RECORDS_DB unless it is off), callers hear the
    routes.yaml version published in that database (`ivr routes publish`), and
    the IVR_ROUTES file becomes version 1 of an empty database. Runs gunicorn with
    the configuration the image uses (gthread workers of 32 threads, ivr.operators.gunicorn_worker; see
    docs/reliability.md); SIGHUP replaces the workers, which serve the last
    good routes.yaml. GET /metrics (every worker's) is served by gunicorn's
    master on --metrics-bind, never on the webhooks' port: keep that port off
    the internet.
    """
    from ..app import ConfigError, create_app

    overrides = {} if metrics_bind is None else {"metrics_bind": metrics_bind}
    if dev:
        # TRANSLATORS: ivr serve --dev's warning, in a box of 72 stars: lines indented by two spaces.
        warning = notice("  DEVELOPMENT MODE: not for production. Without TWILIO_AUTH_TOKEN requests\n"
                         "  are not checked against Twilio signatures.")
        click.secho("*" * 72 + "\n" + warning.render(operator_locale()) + "\n" + "*" * 72,
                    fg="red", bold=True, err=True)
        app = _app_or_exit(lambda: create_app({"dev": True, **overrides}), (ConfigError, RoutesError))
        from .server import serve_metrics

        serve_metrics(app)
        app.run(host=host, port=port, debug=False)
        return
    from .server import metrics_shared_between_workers, run_gunicorn

    with metrics_shared_between_workers():
        app = _app_or_exit(lambda: create_app(overrides), (ConfigError, RoutesError))
        run_gunicorn(app, host, port, workers)


def _app_or_exit(create_app, refusals):
    """The app, or a one-line reason on stderr and exit 1."""
    try:
        return create_app()
    except refusals as error:
        locale = operator_locale()
        if isinstance(error, RoutesError):
            reason = "\n".join(problem.text(locale) for problem in error.problems)
        else:
            reason = in_locale(error.args[0] if error.args else str(error), locale)
        # TRANSLATORS: ivr serve could not start; reason says why (a setting to set, or the routes
        # file's problems, one a line).
        click.echo(notice("ivr serve: cannot start:\n%(reason)s", reason=reason).render(locale), err=True)
        sys.exit(1)

