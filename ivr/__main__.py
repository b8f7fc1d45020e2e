"""python -m ivr: the same as the `ivr` command."""

from .cli import main

main()
