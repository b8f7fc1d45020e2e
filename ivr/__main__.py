"""python -m ivr: the same as the `ivr` command."""

from .operators.cli import main

main()
