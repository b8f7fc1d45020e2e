"""`ivr report`, `ivr purge` and `ivr db`: the call records from the command line."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timedelta, timezone

import click

from ..core.notices import ENGLISH, language_of, locale_from_environ, notice, pnotice

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


def _creatable(url: str) -> str:
    """The URL, if a SQLite file can be made there: its folder is never created here."""
    path = _sqlite_file(url)
    if path is not None and not os.path.exists(path) and not os.path.isdir(os.path.dirname(path)):
        # TRANSLATORS: ivr db upgrade (or routes publish) would create a SQLite file in a folder
        # that does not exist; nothing is created.
        raise click.ClickException(notice("cannot create the records database %(path)s: the folder "
                                          "%(folder)s does not exist (it is not created here)",
                                          path=path, folder=os.path.dirname(path)))
    return url


def _engine(database: str | None, create: bool = True, option: bool = True):
    """An engine on the records database, connected once: a database that cannot be opened (a
    server that does not answer, a database that does not exist, a wrong password) ends the
    command with one line naming it."""
    from sqlalchemy.exc import OperationalError

    from . import database as records_db

    url = _url(database)
    engine = records_db.make_engine(_creatable(url) if create else _existing(url))
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        engine.dispose()
        shown, detail = _shown(url), _first_line(error)
        if not option:  # a command without --database (ivr operators)
            # TRANSLATORS: an ivr command cannot open the records database; database is a file's
            # path or a URL (without its password), detail is the database's own words.
            raise click.ClickException(notice("cannot open the records database %(database)s: %(detail)s "
                                              "(check DATABASE_URL or IVR_RECORDS_DB)",
                                              database=shown, detail=detail)) from None
        # TRANSLATORS: an ivr command cannot open the records database; database is a file's path
        # or a URL (without its password), detail is the database's own words.
        raise click.ClickException(notice("cannot open the records database %(database)s: %(detail)s "
                                          "(check DATABASE_URL, IVR_RECORDS_DB or --database)",
                                          database=shown, detail=detail)) from None
    return engine


def _first_line(error: Exception) -> str:
    """The first line of a database error in the database's own words."""
    return (str(getattr(error, "orig", None) or error).splitlines() or [""])[0]


def _say(text, err: bool = False) -> None:
    """Print a Notice in the operators' language."""
    click.echo(text.render(locale_from_environ(os.environ)), err=err)


def _ready_engine(database: str | None, create: bool = True, option: bool = True):
    """An engine on the records database with its schema at the newest revision; with
    create=False (a command that only reads or deletes records) a SQLite file must exist;
    option=False for a command without --database (its errors do not suggest one)."""
    from . import database as records_db

    engine = _engine(database, create, option)
    records_db.upgrade(engine)
    return engine


class RecordsCommand(click.Command):
    """A command whose database errors end in one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except SQLAlchemyError as error:
            # TRANSLATORS: the records database failed; detail is the database's own words.
            raise click.ClickException(notice("records database: %(detail)s", detail=_first_line(error))) from error


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
            _write(output, lambda: open(output, "wb"), data)
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
        _write(output, lambda: open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline=""), text)
    else:
        click.echo(text, nl=False)


def _write(output: str, opened, content) -> None:
    """Write the report to its file, or end with one line saying why it cannot be written."""
    try:
        with opened() as file:
            file.write(content)
    except OSError as error:
        # TRANSLATORS: ivr report cannot write its file; reason is the system's words.
        raise click.ClickException(notice("cannot write %(file)s: %(reason)s", file=output,
                                          reason=error.strerror or str(error))) from None


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
        # TRANSLATORS: ivr purge --older-than was given something that is not a number of days.
        raise click.BadParameter(notice("'%(value)s' is not a number of days like 400d", value=value),
                                 param_hint="--older-than")
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
    before = f"{cutoff:%Y-%m-%d %H:%M}"
    if dry_run:
        old = records_db.calls_between(engine, datetime(1970, 1, 1, tzinfo=timezone.utc), cutoff)
        # TRANSLATORS: ivr purge --dry-run: how many calls would be deleted (nothing is deleted);
        # before is a time in UTC, e.g. 2025-10-27 03:30.
        _say(notice("%(count)s calls started before %(before)s UTC would be deleted", count=len(old),
                    before=before))
        return
    deleted = records_db.purge_before(engine, cutoff)
    # TRANSLATORS: ivr purge: how many calls were deleted; before is a time in UTC, e.g. 2025-10-27 03:30.
    _say(notice("deleted %(count)s calls started before %(before)s UTC", count=deleted, before=before))


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
    # TRANSLATORS: ivr db upgrade: the records database's schema is now at this revision (e.g. 0008).
    _say(notice("records schema at revision %(revision)s", revision=records_db.current_revision(engine)))


@db.command(cls=RecordsCommand)
@click.option("--database", help=DATABASE_HELP)
def current(database: str | None) -> None:
    """Print the schema revision the records database is at."""
    from . import database as records_db

    revision = records_db.current_revision(_engine(database, create=False))
    if revision is None:
        # TRANSLATORS: ivr db current: the database has no schema yet (ivr db upgrade makes it).
        _say(pnotice("schema revision", "none"))
        return
    click.echo(revision)
