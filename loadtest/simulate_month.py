"""Simulate a month of calls through the real app (signed requests, pinned clock), then report.

    python loadtest/simulate_month.py --month 2026-12 --calls 600 --db /tmp/month.sqlite3

Each call follows the TwiML like a phone (ivr.phone.Call), ends with Twilio's status
callback, and is written by the real record writer. Prints the text report.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.app import create_app  # noqa: E402
from ivr.core.paths import walk  # noqa: E402
from ivr.operators.phone import Call, scripted  # noqa: E402
from ivr.records.report import build, month_bounds, render_text  # noqa: E402
from ivr.records.database import calls_between, make_engine  # noqa: E402
from ivr.web import wired

# Busier in office hours, a little in the evening, almost nothing at night.
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 1, 2, 4, 8, 14, 16, 15, 10, 13, 14, 13, 11, 9, 7, 6, 5, 4, 3, 2]


class Clock:
    """A clock moved by hand, one call at a time."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def behaviours(paths) -> list[tuple[float, list[str], str]]:
    """(weight, keys, dial status) for the kinds of calls the line gets."""
    kinds: list[tuple[float, list[str], str]] = []
    for path in paths:
        weight = 6.0 if path.desk == "center" else 2.0
        kinds.append((weight, list(path.keys) + ["-"], "completed"))  # hears the answer, silence
        kinds.append((weight / 3, list(path.keys), "completed"))  # hangs up during the answer
        if path.desk == "center":
            kinds.append((3.0, list(path.keys) + ["1"], "completed"))  # put through
            kinds.append((1.0, list(path.keys) + ["1", "-"], "busy"))  # put through, busy
    kinds.append((4.0, [], "completed"))  # hangs up in the first menu
    kinds.append((1.5, ["-", "-"], "completed"))  # silent twice
    kinds.append((1.0, ["*", "#", "*"], "completed"))  # wrong keys three times
    kinds.append((1.0, ["9", "0"], "completed"))  # hears the menu again, then hangs up
    return kinds


def simulate(month: str, count: int, database: str, seed: int = 2026) -> list[str]:
    """Place `count` calls spread over the month; return their CallSids."""
    rng = random.Random(seed)
    start, end = month_bounds(month)
    token = secrets.token_hex(16)
    clock = Clock(start)
    app = create_app({"auth_token": token, "routes": str(ROOT / "routes.yaml"),
                      "dev": False, "clock": clock, "records_url": database,
                      "caller_hash_key": "simulated-month-key", "step_log": "off"})
    kinds = behaviours(walk(wired(app).line.flow, start))
    callers = [f"+8190{rng.randrange(10**8):08d}" for _ in range(count * 2 // 3)]
    days = (end - start).days
    sids = []
    for _ in range(count):
        day = rng.randrange(days)
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        clock.now = start + timedelta(days=day, hours=hour, minutes=rng.randrange(60),
                                      seconds=rng.randrange(60))
        _, keys, dial = rng.choices(kinds, [k[0] for k in kinds])[0]
        call = Call(app, token, rng.choice(callers), dial)
        call.run(scripted(keys), lambda event: None)
        seconds = 20 + 15 * len(keys) + rng.randrange(30)
        clock.now += timedelta(seconds=seconds)
        call.post("/voice/status", {"CallStatus": "completed", "CallDuration": str(seconds)})
        sids.append(call.base["CallSid"])
    wired(app).records.drain(60)
    return sids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--db", default="simulated-month.sqlite3")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if os.path.exists(args.db):
        sys.exit(f"{args.db} exists: give a new file")
    url = "sqlite:///" + os.path.abspath(args.db)
    simulate(args.month, args.calls, url, args.seed)
    start, end = month_bounds(args.month)
    print(render_text(build(args.month, calls_between(make_engine(url), start, end))), end="")


if __name__ == "__main__":
    main()
