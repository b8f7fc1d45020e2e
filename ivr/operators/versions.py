"""`ivr routes`: publish routes.yaml to every server through the records database, look back,
roll back, export and compare versions."""

from __future__ import annotations

import getpass
import sys
import unicodedata

import click

from ..records.commands import DATABASE_HELP, RecordsCommand

AUTHOR_HELP = "Who publishes (default: the user running the command)."
MESSAGE_HELP = "What changed and why, for the history (required)."


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — a container's user may have no name (KeyError, OSError)
        return "unknown"


def _store(database: str | None, create: bool = False):
    """The versions in the records database; only publishing may create the database (a SQLite
    file), every other command refuses to where there is none."""
    from ..records.commands import _ready_engine
    from ..records.versions import VersionStore

    return VersionStore(_ready_engine(database, create))


def _message(value: str) -> str:
    if not value.strip():
        raise click.BadParameter("say what changed and why", param_hint="--message")
    return value


def _problems(error) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)


def _japan(moment) -> str:
    from ..core.hours import in_japan

    return in_japan(moment).strftime("%Y-%m-%d %H:%M")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def _version_or_exit(store, number: int):
    version = store.get(number)
    if version is None:
        raise click.ClickException(f"there is no version {number} (ivr routes history lists them)")
    if not version.intact():
        raise click.ClickException(f"version {number}'s text in the database does not match its "
                                   f"digest {version.digest}")
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
        click.echo(f"{file} is already published as version {version.number} "
                   f"(digest {version.digest}); nothing changed")
        return
    click.echo(f"published version {version.number} (digest {version.digest})"
               + (f", replacing version {before}" if before is not None else ""))


def _note_refusal(database, text: str, author: str, message: str, error) -> None:
    """Keep a refused publish in the audit trail; say so if the database cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        _store(database, create=True).refused(text, author=author, message=message, reason=str(error))
    except (SQLAlchemyError, click.UsageError) as failure:
        first = (str(getattr(failure, "orig", None) or failure).splitlines() or [""])[0]
        click.echo(f"(the refusal could not be recorded: {first})", err=True)


@routes.command(cls=RecordsCommand)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many versions (0: all).")
@click.option("--database", help=DATABASE_HELP)
def history(limit: int, database: str | None) -> None:
    """The versions, newest first: number, time (Japan), author, digest, message.

    The published one, which every server serves, is marked with *.
    """
    versions = _store(database).history(limit or None)
    if not versions:
        click.echo("no version has been published yet")
        return
    authors = max(_width("author"), *(_width(v.author) for v in versions))
    click.echo(f"  {'#':>4}  {'time (Japan)':16}  {_pad('author', authors)}  {'digest':16}  message")
    for version in versions:
        mark = "*" if version.published else " "
        click.echo(f"{mark} {version.number:>4}  {_japan(version.created_at)}  "
                   f"{_pad(version.author, authors)}  {version.digest}  {_one_line(version.message)}")
    click.echo("* published: every server serves it")


@routes.command(cls=RecordsCommand)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many events (0: all).")
@click.option("--database", help=DATABASE_HELP)
def audit(limit: int, database: str | None) -> None:
    """Every publish, rollback and refused publish, newest first: when (Japan), who, what,
    from which version to which, and the message (and for a refusal, why)."""
    events = _store(database).audit(limit or None)
    if not events:
        click.echo("nothing has happened yet")
        return
    actors = max(_width("who"), *(_width(e.actor) for e in events))
    click.echo(f"{'time (Japan)':16}  {_pad('who', actors)}  {'action':8}  {'versions':11}  detail")
    for event in events:
        moved = _moved(event.from_version, event.to_version)
        click.echo(f"{_japan(event.at)}  {_pad(event.actor, actors)}  {event.action:8}  {moved:11}  "
                   f"{_one_line(event.detail)}")


def _moved(before: int | None, after: int | None) -> str:
    if after is None:
        return "" if before is None else f"{before} kept"
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
        click.echo(f"version {number} is already published; nothing changed")
        return
    click.echo(f"published version {number} again (digest {version.digest}), replacing version {before}")


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
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"wrote version {number} (digest {version.digest}, {len(data):,} bytes) to {output}",
               err=True)


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

    store = _store(database)
    flows = []
    for number in (old, new):
        try:
            flows.append(offline_flow_of(_version_or_exit(store, number).text, version_file(number)))
        except RoutesError as error:
            _problems(error)
            sys.exit(1)
    changes = diff_routes(*flows, moment(at))
    for line in change_lines(changes):
        click.echo(line)
    sys.exit(1 if changes else 0)
