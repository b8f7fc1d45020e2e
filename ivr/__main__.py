"""python -m ivr: the same as the `ivr` command."""

from .command import main

main()
