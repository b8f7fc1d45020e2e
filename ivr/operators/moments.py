"""Japan times given on the command line (`--at`)."""

from __future__ import annotations

from datetime import datetime

import click


def japan_time(value: str | None) -> datetime | None:
    """A Japan time like "2026-12-29 10:00" (or a date), None if not given; click's error otherwise."""
    if value is None:
        return None
    from ..core.hours import JAPAN

    for form in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=JAPAN)
        except ValueError:
            continue
    from ..core.notices import notice

    # TRANSLATORS: --at was given a value that is not a date and time such as "2026-12-29 10:00".
    raise click.BadParameter(notice("'%(value)s' is not a Japan time like \"2026-12-29 10:00\"", value=value))


def moment(at: str | None) -> datetime:
    """The moment of `--at`, or now."""
    from ..clock import japan_now

    return japan_time(at) or japan_now()
