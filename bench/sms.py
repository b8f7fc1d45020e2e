"""What asking for a text message costs the webhook: counting it against the limits, in-process.

    python bench/sms.py [--database postgresql+psycopg://…] [--steps 300]

Each step is a new call from a new mobile at the center's answer, pressing 2 (the message is
counted in the records database and queued; a sender stands in for Twilio and keeps it) or 9
(the answer again, for comparison). Signed requests through Flask's test client; SQLite in a
temporary directory unless --database names another. Prints the median and p99 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.app import create_app  # noqa: E402
from ivr.sms.sending import RehearsalSender  # noqa: E402
from ivr.sms.texter import DatabaseLedger, Limits, Texter  # noqa: E402
from ivr.web import wired  # noqa: E402

TOKEN = "bench-token"
KEY = "bench-caller-hash-key"
URL = "http://localhost/voice/step?m=top&k=4&s=0&f=0"  # at the center's answer (a number to send)
SENDING = "ショートメッセージでお送りします。"  # what a caller hears when the message is queued


def app_for(database: str):
    texter = Texter(DatabaseLedger(database), RehearsalSender(), Limits(per_day=10**9), background=True)
    return create_app({"auth_token": TOKEN, "routes": str(ROOT / "routes.yaml"),
                       "records_url": None, "caller_hash_key": KEY, "step_log": "off",
                       "sms_texter": texter})


def timed(client, digits: str, steps: int) -> list[float]:
    validator = RequestValidator(TOKEN)
    seconds = []
    for i in range(steps):
        form = {"CallSid": f"CA{i:032x}", "From": f"+8190{i:08d}", "To": "+815012345678",
                "Digits": digits}
        headers = {"X-Twilio-Signature": validator.compute_signature(URL, form)}
        started = time.perf_counter()
        response = client.post(URL, data=form, headers=headers, base_url="http://localhost")
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert (SENDING in response.get_data(as_text=True)) == (digits == "2"), "not the step meant"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temporary directory)")
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{tmp}/records.sqlite3"
        app = app_for(database)
        client = app.test_client()
        timed(client, "2", 5)  # migrate, connect, warm up
        for label, digits in (("answer again (9)", "9"), ("text message (2)", "2")):
            ms = sorted(s * 1000 for s in timed(client, digits, args.steps))
            print(f"{label:18} median {statistics.median(ms):6.2f} ms   "
                  f"p99 {ms[int(len(ms) * 0.99) - 1]:6.2f} ms   ({args.steps} steps, "
                  f"{database.split(':')[0]})")
        assert wired(app).texter.drain(30)


if __name__ == "__main__":
    main()
