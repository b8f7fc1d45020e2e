"""The line's use cases, one service function each (`services.py`): a new call, keys or words at
a position, a transfer ended, a call's status callback; and what `create_app` wired for them
(`wiring.py`). The web layer only parses a request, calls one of them, and renders."""
