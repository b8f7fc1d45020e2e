"""The whole `ivr` command, put together at the top: the operators' commands (`ivr.operators.cli`),
each subsystem's (`ivr routes`, `ivr twilio`, `ivr report`, `purge`, `db`), and the operators'
console with its accounts (`ivr console`, `ivr operators`).

Put together here, above them all, so that the console (which uses the operators' tools: check,
tree, diff, preview, the in-process phone) and the command line (which starts the console)
each import only what lies below them.
"""

from __future__ import annotations

import click

__all__ = ["create_command", "main"]


def create_command() -> click.Group:
    """The `ivr` group with every subsystem's commands registered on it."""
    from .console.commands import console, operators
    from .operators.cli import main
    from .operators.twilio_setup import twilio
    from .operators.versions import routes
    from .records.commands import db, purge, report

    for command in (twilio, routes, report, purge, db, console, operators):
        main.add_command(command)
    return main


main = create_command()
