"""`ivr routes`: publish routes.yaml to every server through the records database, look back,
roll back, export and compare versions. What they print is said in the operators' language
(Japanese under a Japanese locale, English otherwise); their help stays English."""

from __future__ import annotations

import getpass
import os
import sys
import unicodedata

import click

from ..core.notices import locale_from_environ, notice, pnotice
from ..records.commands import DATABASE_HELP, RecordsCommand

AUTHOR_HELP = "Who publishes (default: the user running the command)."
MESSAGE_HELP = "What changed and why, for the history (required)."


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — a container's user may have no name (KeyError, OSError)
        return "unknown"


def _locale() -> str:
    return locale_from_environ(os.environ)


def _say(text, err: bool = False) -> None:
    """Print a Notice in the operators' language."""
    click.echo(text.render(_locale()), err=err)


def _store(database: str | None, create: bool = False):
    """The versions in the records database; only publishing may create the database (a SQLite
    file), every other command refuses to where there is none."""
    from ..records.commands import _ready_engine
    from ..records.versions import VersionStore

    return VersionStore(_ready_engine(database, create))


def _message(value: str) -> str:
    if not value.strip():
        # TRANSLATORS: ivr routes publish/rollback: the --message given was empty.
        raise click.BadParameter(notice("say what changed and why"), param_hint="--message")
    return value


def _problems(error) -> None:
    locale = _locale()
    for problem in error.problems:
        click.echo(problem.text(locale), err=True)


def _japan(moment) -> str:
    from ..core.hours import in_japan

    return in_japan(moment).strftime("%Y-%m-%d %H:%M")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def _version_or_exit(store, number: int):
    version = store.get(number)
    if version is None:
        # TRANSLATORS: ivr routes: the version number given does not exist.
        raise click.ClickException(notice("there is no version %(number)s (ivr routes history lists them)",
                                          number=number))
    if not version.intact():
        # TRANSLATORS: ivr routes: a version's text was changed in the database after it was published.
        raise click.ClickException(notice("version %(number)s's text in the database does not match "
                                          "its digest %(digest)s", number=number, digest=version.digest))
    return version


@click.group()
def routes() -> None:
    """Versions of routes.yaml in the records database, which every server serves.

    Where the line keeps call records (DATABASE_URL, or IVR_RECORDS_DB), the
    version published there is what callers hear, on every server, within
    2 seconds of `ivr routes publish` or `ivr routes rollback`. The commands use
    the same settings as the server (or --database).
    """


@routes.command(cls=RecordsCommand)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--message", "-m", required=True, help=MESSAGE_HELP)
@click.option("--author", default=_default_author, show_default="the user running it",
              help=AUTHOR_HELP)
@click.option("--database", help=DATABASE_HELP)
def publish(file: str, message: str, author: str, database: str | None) -> None:
    """Check FILE exactly as `ivr check` does, then publish it as a new version.

    Errors (the server would refuse the file) are printed as FILE:LINE: KEY PATH:
    what is wrong, and exit 1: nothing is published, and the refusal is kept in
    the audit trail. Otherwise FILE's exact text is stored as a new version and
    published, and its number is printed. A file identical to the version
    published now makes no new version. Warnings are not shown here: `ivr check
    FILE` shows them.
    """
    from ..routesfile.flows import offline_flow_of
    from ..routesfile.loader import RoutesError, read_routes_text

    message = _message(message)
    text = ""
    try:
        text = read_routes_text(file)
        offline_flow_of(text, file)
    except RoutesError as error:
        _problems(error)
        _note_refusal(database, text, author, message, error)
        sys.exit(1)
    store = _store(database, create=True)
    before = store.published_number()
    version = store.publish(text, author=author, message=message)
    if version.number == before:
        # TRANSLATORS: ivr routes publish: the file is the version published now.
        _say(notice("%(file)s is already published as version %(number)s (digest %(digest)s); "
                    "nothing changed", file=file, number=version.number, digest=version.digest))
    elif before is None:
        # TRANSLATORS: ivr routes publish: the first version was published.
        _say(notice("published version %(number)s (digest %(digest)s)", number=version.number,
                    digest=version.digest))
    else:
        # TRANSLATORS: ivr routes publish: a new version was published in place of another.
        _say(notice("published version %(number)s (digest %(digest)s), replacing version %(before)s",
                    number=version.number, digest=version.digest, before=before))


def _note_refusal(database, text: str, author: str, message: str, error) -> None:
    """Keep a refused publish in the audit trail; say so if the database cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        _store(database, create=True).refused(text, author=author, message=message, reason=str(error))
    except (SQLAlchemyError, click.UsageError) as failure:
        first = (str(getattr(failure, "orig", None) or failure).splitlines() or [""])[0]
        # TRANSLATORS: ivr routes publish: the refused publish could not be kept in the audit
        # trail; detail is the database's own words.
        _say(notice("(the refusal could not be recorded: %(detail)s)", detail=first), err=True)


@routes.command(cls=RecordsCommand)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many versions (0: all).")
@click.option("--database", help=DATABASE_HELP)
def history(limit: int, database: str | None) -> None:
    """The versions, newest first: number, time (Japan), author, digest, message.

    The published one, which every server serves, is marked with *.
    """
    locale = _locale()
    versions = _store(database).history(limit or None)
    if not versions:
        # TRANSLATORS: ivr routes history: the database has no version yet.
        _say(notice("no version has been published yet"))
        return
    # TRANSLATORS: ivr routes history, a column: the version's number.
    number = pnotice("column", "#").render(locale)
    # TRANSLATORS: ivr routes history and audit, a column: when, in Japan time (16 characters wide).
    time = pnotice("column", "time (Japan)").render(locale)
    # TRANSLATORS: ivr routes history, a column: who published the version.
    author = pnotice("column", "author").render(locale)
    # TRANSLATORS: ivr routes history, a column: the version's digest (16 hex digits).
    digest = pnotice("column", "digest").render(locale)
    # TRANSLATORS: ivr routes history and audit, a column: the message given at publish.
    message = pnotice("column", "message").render(locale)
    numbers = max(4, _width(number))
    authors = max(_width(author), *(_width(v.author) for v in versions))
    click.echo(f"  {_pad(number, numbers, right=True)}  {_pad(time, 16)}  {_pad(author, authors)}  "
               f"{_pad(digest, 16)}  {message}")
    for version in versions:
        mark = "*" if version.published else " "
        click.echo(f"{mark} {version.number:>{numbers}}  {_japan(version.created_at)}  "
                   f"{_pad(version.author, authors)}  {version.digest}  {_one_line(version.message)}")
    # TRANSLATORS: ivr routes history: what the * before a version means.
    _say(notice("* published: every server serves it"))


@routes.command(cls=RecordsCommand)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many events (0: all).")
@click.option("--database", help=DATABASE_HELP)
def audit(limit: int, database: str | None) -> None:
    """Every publish, rollback and refused publish, newest first: when (Japan), who, what,
    from which version to which, and the message (and for a refusal, why)."""
    locale = _locale()
    events = _store(database).audit(limit or None)
    if not events:
        # TRANSLATORS: ivr routes audit: nothing was published, rolled back or refused yet.
        _say(notice("nothing has happened yet"))
        return
    time = pnotice("column", "time (Japan)").render(locale)
    # TRANSLATORS: ivr routes audit, a column: who did it.
    who = pnotice("column", "who").render(locale)
    # TRANSLATORS: ivr routes audit, a column: what was done (published, rolled back, refused).
    action = pnotice("column", "action").render(locale)
    # TRANSLATORS: ivr routes audit, a column: from which version to which, e.g. "2 -> 3".
    moved_title = pnotice("column", "versions").render(locale)
    # TRANSLATORS: ivr routes audit, a column: the message, and for a refusal why.
    detail = pnotice("column", "detail").render(locale)
    actions = {event.action: _action(event.action, locale) for event in events}
    moves = [_moved(e.from_version, e.to_version, locale) for e in events]
    actors = max(_width(who), *(_width(e.actor) for e in events))
    acts = max(8, _width(action), *(_width(a) for a in actions.values()))
    moved_width = max(11, _width(moved_title), *(_width(m) for m in moves))
    click.echo(f"{_pad(time, 16)}  {_pad(who, actors)}  {_pad(action, acts)}  "
               f"{_pad(moved_title, moved_width)}  {detail}")
    for event, moved in zip(events, moves):
        click.echo(f"{_japan(event.at)}  {_pad(event.actor, actors)}  {_pad(actions[event.action], acts)}  "
                   f"{_pad(moved, moved_width)}  {_one_line(event.detail)}")


def _action(action: str, locale: str) -> str:
    """An audit event's action in the operators' language (in English, the word itself)."""
    words = {
        # TRANSLATORS: ivr routes audit: a version was published (ja: 公開).
        "publish": pnotice("audit action", "publish"),
        # TRANSLATORS: ivr routes audit: an earlier version was published again (ja: 戻す).
        "rollback": pnotice("audit action", "rollback"),
        # TRANSLATORS: ivr routes audit: a publish was refused by the check (ja: 拒否).
        "refused": pnotice("audit action", "refused"),
    }
    word = words.get(action)
    return action if word is None else word.render(locale)


def _moved(before: int | None, after: int | None, locale: str) -> str:
    if after is None:
        # TRANSLATORS: ivr routes audit: a refused publish; version number stayed published.
        return "" if before is None else notice("%(number)s kept", number=before).render(locale)
    return f"{'-' if before is None else before} -> {after}"


@routes.command(cls=RecordsCommand)
@click.argument("number", type=int)
@click.option("--message", "-m", required=True, help=MESSAGE_HELP)
@click.option("--author", default=_default_author, show_default="the user running it",
              help=AUTHOR_HELP)
@click.option("--database", help=DATABASE_HELP)
def rollback(number: int, message: str, author: str, database: str | None) -> None:
    """Publish version NUMBER again: every server serves its text within 2 seconds.

    The version is checked first as `ivr check` would (a version this line can
    no longer load is refused, and the refusal kept in the audit trail).
    """
    from ..records.versions import version_file
    from ..routesfile.flows import offline_flow_of
    from ..routesfile.loader import RoutesError

    message = _message(message)
    store = _store(database)
    version = _version_or_exit(store, number)
    try:
        offline_flow_of(version.text, version_file(number))
    except RoutesError as error:
        _problems(error)
        store.refused(version.text, author=author, message=f"rollback to {number}: {message}",
                      reason=str(error))
        sys.exit(1)
    before = store.published_number()
    store.rollback(number, author=author, message=message)
    if before == number:
        # TRANSLATORS: ivr routes rollback: the version asked for is the one published now.
        _say(notice("version %(number)s is already published; nothing changed", number=number))
        return
    # TRANSLATORS: ivr routes rollback: an earlier version is published again.
    _say(notice("published version %(number)s again (digest %(digest)s), replacing version %(before)s",
                number=number, digest=version.digest, before=before))


@routes.command(cls=RecordsCommand)
@click.argument("number", type=int)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The file to write (- for standard output).")
@click.option("--database", help=DATABASE_HELP)
def export(number: int, output: str, database: str | None) -> None:
    """Write version NUMBER's text, byte for byte as it was published."""
    version = _version_or_exit(_store(database), number)
    data = version.text.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        # TRANSLATORS: ivr routes export: the file could not be written; reason is the system's words.
        raise click.ClickException(notice("cannot write %(file)s: %(reason)s", file=output,
                                          reason=error.strerror)) from None
    # TRANSLATORS: ivr routes export: the version's text was written to a file.
    _say(notice("wrote version %(number)s (digest %(digest)s, %(size)s bytes) to %(file)s", number=number,
                digest=version.digest, size=f"{len(data):,}", file=output), err=True)


@routes.command(cls=RecordsCommand)
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="Japan time to judge hours and open desks at (default: now).")
@click.option("--database", help=DATABASE_HELP)
def diff(old: int, new: int, at: str | None, database: str | None) -> None:
    """What changes for callers from version OLD to version NEW, as `ivr diff` shows it.

    The sentences a caller would no longer hear (-) and would now hear (+), menu
    by menu and path by path on the day of --at, then the calendar entries and
    announcements removed and added. Exits 0 when callers hear no difference, 1
    when they do.
    """
    from ..records.versions import version_file
    from ..routesfile.flows import offline_flow_of
    from ..routesfile.loader import RoutesError
    from .diff import change_lines, diff_routes
    from .moments import moment

    locale = _locale()
    store = _store(database)
    flows = []
    for number in (old, new):
        try:
            flows.append(offline_flow_of(_version_or_exit(store, number).text, version_file(number)))
        except RoutesError as error:
            _problems(error)
            sys.exit(1)
    changes = diff_routes(*flows, moment(at), locale)
    for line in change_lines(changes, *flows, locale):
        click.echo(line)
    sys.exit(1 if changes else 0)
