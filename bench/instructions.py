"""Count the CPU instructions one webhook step takes, in-process, with valgrind's callgrind.

    python bench/instructions.py [--calls 300]

Instruction counts do not move with whatever else the machine is doing, as requests/s and
microseconds do on a shared machine: two runs of the same code give the same counts to a few
thousand. For each step (the secure floor, a new call, a key that opens a submenu, a key that
gets a desk's answer) a child process builds the app as bench/run.py does (metrics shared
through files, a caller-hash key, the JSON step line written to /dev/null), makes 50 calls to
warm it, then counts the instructions of `--calls` direct WSGI calls only (callgrind's
instrumentation is switched on and off around them with callgrind_control). Needs valgrind
(Debian: apt-get install valgrind). Prints a Markdown block for bench/RESULTS.md: the table and
the verdict on the bar in bench/bar.py (each step at most the secure floor's instructions + 500k);
exits 1 if a step misses it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WARM_CALLS = 50


def child(which: str, calls: int) -> None:
    """In the process valgrind runs: build the app, warm it, count `calls` steps."""
    sys.path.insert(0, str(BENCH))
    import run  # noqa: PLC0415 — bench/run.py, beside this file

    metrics = tempfile.mkdtemp(prefix="ivr-instructions-metrics-")
    # A copy nobody edits during the count, as bench/run.py serves: an edit of routes.yaml would
    # reload the routes in the middle of the counted calls (one reload adds about 1,000k to each
    # of 300 calls).
    snapshot = Path(tempfile.mkdtemp(prefix="ivr-instructions-routes-")) / "routes.yaml"
    shutil.copyfile(run.ROUTES, snapshot)
    run.ROUTES = snapshot
    os.environ.update({k: v for k, v in run.bench_env().items() if k.startswith(("IVR_", "TWILIO_"))})
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics
    from floor import create_secure_app

    from ivr.app import create_app

    if which == "floor":
        app, case = create_secure_app(), run.FLOOR_CASE
    else:
        app, case = run.Served(create_app()).__enter__(), run.cases()[int(which)]
    run.wsgi_us(app, case, WARM_CALLS, 1)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, stdout=subprocess.DEVNULL)
    run.wsgi_us(app, case, calls, 1)
    subprocess.run(["callgrind_control", "--instr=off", pid], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(metrics, ignore_errors=True)
    shutil.rmtree(snapshot.parent, ignore_errors=True)


def count(which: str, calls: int) -> float:
    """Instructions per call for one step, counted by callgrind in a child process."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", which, "--calls", str(calls)],
        capture_output=True, text=True, check=True,
    ).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1)) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls counted per step (at most 5000)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    calls = max(10, min(args.calls, 5000))
    if args.child is not None:
        child(args.child, calls)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind (Debian/Ubuntu)")
    sys.path.insert(0, str(BENCH))
    import run  # noqa: PLC0415

    from bar import held, instructions_verdicts  # noqa: PLC0415 — bench/bar.py

    floor = count("floor", calls)
    steps = {case.name: count(str(i), calls) for i, case in enumerate(run.cases())}
    judged = instructions_verdicts(floor, steps)
    lines = [f"Instructions per step, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC (`bench/instructions.py`, "
             f"callgrind, {calls} calls counted per step after {WARM_CALLS} to warm up; Python "
             f"{sys.version.split()[0]}):", "",
             "| step | instructions per step | above the secure floor |", "|---|---:|---:|",
             f"| {run.FLOOR_CASE.name} | {floor / 1000:,.0f}k | |"]
    lines += [f"| {name} | {step / 1000:,.0f}k | +{(step - floor) / 1000:,.0f}k ({step / floor:.2f}×) |"
              for name, step in steps.items()]
    lines += ["", f"The bar, in this run: **{'held' if held(judged) else 'MISSED'}**", "",
              *(verdict.line() for verdict in judged)]
    print("\n".join(lines))
    if not held(judged):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
