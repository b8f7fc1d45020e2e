"""`ivr report`, `ivr purge` and `ivr db`: the call records from the command line."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timedelta, timezone

import click

from ..core.notices import ENGLISH, language_of, locale_from_environ, notice

DATABASE_HELP = "SQLAlchemy URL of the records; default $DATABASE_URL, else sqlite $IVR_RECORDS_DB."


def _url(database: str | None) -> str:
    from ..settings import Settings

    url = database or Settings.from_environ().records_url
    if not url:
        # TRANSLATORS: ivr report has no database to read: records are off and none was named.
        raise click.UsageError(notice("call records are off (IVR_RECORDS_DB=off) and no --database given"))
    return url


def _sqlite_file(url) -> str | None:
    """The file of a SQLite URL (absolute), or None for another database or SQLite in memory."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(parsed.database)


def _existing(url: str) -> str:
    """The URL, if it names a database that is there: SQLite would create an empty file for a
    command that only reads or deletes records (run in the wrong folder, say)."""
    path = _sqlite_file(url)
    if path is not None and not os.path.exists(path):
        # TRANSLATORS: ivr report (or purge, …) found no SQLite file where the settings point; not created.
        message = notice("no records database at %(path)s (none is created here): set IVR_RECORDS_DB to "
                         "the line's records file, or DATABASE_URL, or give --database", path=path)
        raise click.ClickException(message)
    return url


def _shown(url) -> str:
    """The database as an operator recognises it: a SQLite file's path, else the URL without
    its password."""
    from sqlalchemy.engine import make_url

    return _sqlite_file(url) or make_url(url).render_as_string(hide_password=True)


def _engine(database: str | None, create: bool = True):
    from . import database as records_db

    url = _url(database)
    return records_db.make_engine(url if create else _existing(url))


def _ready_engine(database: str | None, create: bool = True):
    """An engine on the records database with its schema at the newest revision; with
    create=False (a command that only reads or deletes records) a SQLite file must exist."""
    from . import database as records_db

    engine = _engine(database, create)
    records_db.upgrade(engine)
    return engine


class RecordsCommand(click.Command):
    """A command whose database errors end in one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except SQLAlchemyError as error:
            first = (str(error.orig if getattr(error, "orig", None) else error).splitlines() or [""])[0]
            # TRANSLATORS: the records database failed; detail is the database's own words.
            raise click.ClickException(notice("records database: %(detail)s", detail=first)) from error


@click.command(cls=RecordsCommand)
@click.option("--month", required=True, metavar="YYYY-MM", help="Calendar month, Japan time.")
@click.option("--format", "form", type=click.Choice(["text", "csv", "png"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (required for png unless stdout is redirected).")
@click.option("--database", help=DATABASE_HELP)
@click.option("--routes", default=None, show_default="$IVR_ROUTES or routes.yaml",
              help="The routes file whose desk names a Japanese report shows.")
def report(month: str, form: str, output: str | None, database: str | None, routes: str | None) -> None:
    """The monthly report: calls per topic and desk, transfers, endings, repeat callers, hours.

    Under a Japanese locale (LC_ALL, LC_MESSAGES or LANG ja_JP…) it is in Japanese: desks by
    their names in ROUTES, endings and transfers in words, a CSV file with a byte-order mark
    for spreadsheet programs. The database read is named on stderr; where its SQLite file
    does not exist, the command stops and creates none (`ivr db upgrade` creates one).
    """
    from . import database as records_db
    from .report import build, month_bounds, render_csv, render_png, render_text

    locale = locale_from_environ(os.environ)
    try:
        start, end = month_bounds(month)
    except ValueError as error:
        raise click.BadParameter(error.args[0], param_hint="--month") from error
    if form == "png":
        _charts_installed()
    engine = _ready_engine(database, create=False)
    names = None if language_of(locale) == ENGLISH else _desk_names(routes, locale)
    built = build(month, records_db.calls_between(engine, start, end),
                  records_db.texts_between(engine, start, end))
    # TRANSLATORS: ivr report, on stderr: the database (a file's path or a URL) its figures come from.
    click.echo(notice("records read from %(database)s", database=_shown(engine.url)).render(locale),
               err=True)
    if form == "png":
        data = render_png(built, locale, names)
        if output:
            with open(output, "wb") as file:
                file.write(data)
        elif sys.stdout.isatty():
            # TRANSLATORS: ivr report --format png needs a file to write the picture into.
            raise click.UsageError(notice("png goes to a file: add --output report.png"))
        else:
            sys.stdout.buffer.write(data)
        return
    text = render_text(built, locale, names) if form == "text" else render_csv(built, locale, names)
    if output:
        # A spreadsheet program opens a CSV file as UTF-8 when it starts with a byte-order mark.
        bom = form == "csv" and language_of(locale) != ENGLISH
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
            file.write(text)
    else:
        click.echo(text, nl=False)


def _charts_installed() -> None:
    """Say which extra to install when matplotlib (the report's charts) is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        # TRANSLATORS: ivr report --format png draws with matplotlib, installed with the report extra.
        message = notice("--format png needs the report extra: pip install 'meiwaku-ivr[report]'")
        raise click.ClickException(message) from None


def _desk_names(routes: str | None, locale: str) -> dict[str, str] | None:
    """Desk id → name from the routes file, or None (said on stderr) if it cannot be loaded."""
    from ..routesfile.loader import RoutesError, load_routes
    from ..settings import Settings

    path = routes or Settings.from_environ().routes
    try:
        return {desk.id: desk.name for desk in load_routes(path).desks.values()}
    except RoutesError:
        # TRANSLATORS: ivr report cannot read routes.yaml, so desks are shown by their ids.
        click.echo(notice("%(file)s cannot be loaded: desks are shown by their ids", file=path).render(locale),
                   err=True)
        return None


def _age(value: str) -> timedelta:
    found = re.fullmatch(r"(\d+)d", value.strip())
    if not found or int(found.group(1)) < 1:
        raise click.BadParameter(f"'{value}' is not a number of days like 400d")
    return timedelta(days=int(found.group(1)))


@click.command(cls=RecordsCommand)
@click.option("--older-than", "older_than", required=True, metavar="400d",
              help="Delete calls that started more than this many days ago.")
@click.option("--database", help=DATABASE_HELP)
@click.option("--dry-run", is_flag=True, help="Only say how many calls would go.")
def purge(older_than: str, database: str | None, dry_run: bool) -> None:
    """Delete call records past their retention period (e.g. --older-than 400d)."""
    from . import database as records_db

    cutoff = datetime.now(timezone.utc) - _age(older_than)
    engine = _ready_engine(database, create=False)
    if dry_run:
        old = records_db.calls_between(engine, datetime(1970, 1, 1, tzinfo=timezone.utc), cutoff)
        click.echo(f"{len(old)} calls started before {cutoff:%Y-%m-%d %H:%M} UTC would be deleted")
        return
    deleted = records_db.purge_before(engine, cutoff)
    click.echo(f"deleted {deleted} calls started before {cutoff:%Y-%m-%d %H:%M} UTC")


@click.group()
def db() -> None:
    """The call records database: schema migrations."""


@db.command(cls=RecordsCommand)
@click.option("--database", help=DATABASE_HELP)
def upgrade(database: str | None) -> None:
    """Create or migrate the records schema to the newest revision."""
    from . import database as records_db

    engine = _engine(database)
    records_db.upgrade(engine)
    click.echo(f"records schema at revision {records_db.current_revision(engine)}")


@db.command(cls=RecordsCommand)
@click.option("--database", help=DATABASE_HELP)
def current(database: str | None) -> None:
    """Print the schema revision the records database is at."""
    from . import database as records_db

    click.echo(records_db.current_revision(_engine(database, create=False)) or "none")
