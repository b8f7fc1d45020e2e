"""The whole `ivr` command: the operators' commands, and the operators' console with its accounts.

Put together here, above both, so that the console (which uses the operators' tools: check,
tree, diff, preview, the in-process phone) and the command line (which starts the console)
each import only what lies below them.
"""

from __future__ import annotations

from .console.commands import console, operators
from .operators.cli import main

main.add_command(console)
main.add_command(operators)

__all__ = ["main"]
