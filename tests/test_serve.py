"""`ivr serve` in production mode: gunicorn workers whose metrics add up."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

from helpers import ROUTES, TOKEN, fetch_health, free_port, post_voice, wait_for

CALLS = 12


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
        return response.read().decode("utf-8")


def voice_requests(metrics: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("ivr_http_requests_total{") and 'endpoint="ivr.voice"' in line)


def test_metrics_add_up_over_every_worker(tmp_path):
    port = free_port()
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, IVR_ROUTES=str(ROUTES), IVR_RECORDS_DB="off")
    for name in ("IVR_DEV", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    server = subprocess.Popen([sys.executable, "-m", "ivr", "serve", "--port", str(port), "--workers", "3"],
                              env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: fetch_health(port))
        for _ in range(CALLS):
            assert "迷惑メール相談のご案内です。" in post_voice(port)
        assert voice_requests(scrape(port)) == CALLS
    finally:
        server.terminate()
        server.wait(timeout=15)
