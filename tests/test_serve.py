"""`ivr serve` in production mode: gunicorn workers whose metrics add up."""

from __future__ import annotations

import urllib.request

from helpers import ROUTES, Served, post_voice

CALLS = 12


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
        return response.read().decode("utf-8")


def voice_requests(metrics: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("ivr_http_requests_total{") and 'endpoint="ivr.voice"' in line)


def test_metrics_add_up_over_every_worker(tmp_path):
    with Served(tmp_path, ROUTES, workers=3) as served:
        for _ in range(CALLS):
            assert "迷惑メール相談のご案内です。" in post_voice(served.port)
        assert voice_requests(scrape(served.port)) == CALLS
