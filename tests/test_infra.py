"""What infra/ ships: the fallback TwiML, the image, the gunicorn config and the Kubernetes manifests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ivr.cli import main
from ivr.phones import parse_phone
from ivr.routes import JAPANESE_VOICES
from ivr.twilio_setup import fallback_twiml

from helpers import ROOT, ROUTES

INFRA = ROOT / "infra"
FALLBACK = INFRA / "fallback.xml"


def canonical(root: ET.Element) -> list[tuple]:
    return [(e.tag, sorted(e.attrib.items()), (e.text or "").strip(), (e.tail or "").strip())
            for e in root.iter()]


def readings(root: ET.Element) -> list[tuple[str, ...]]:
    """Each number read slowly in the document, as its groups of readings."""
    return [tuple(t.strip() for t in prosody.itertext() if t.strip()) for prosody in root.iter("prosody")]


# -- fallback.xml -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fallback() -> ET.Element:
    return ET.fromstring(FALLBACK.read_bytes())


def test_fallback_is_twiml_that_speaks_japanese_then_hangs_up(fallback, routes):
    assert fallback.tag == "Response"
    assert [verb.tag for verb in fallback] == ["Say", "Hangup"]
    say = fallback.find("Say")
    assert say.get("language") == "ja-JP"
    assert say.get("voice") == routes.voice and say.get("voice") in JAPANESE_VOICES
    assert {e.tag for e in say.iter()} <= {"Say", "break", "prosody"}
    assert all(p.get("rate") == "slow" for p in say.iter("prosody"))


def test_fallback_reads_the_numbers_as_the_line_does(fallback, reader):
    center = reader.phone(parse_phone("03-5974-0068")).groups
    hotline = reader.phone(parse_phone("188")).groups
    assert center == ("ゼロサン", "ゴーキュウナナヨン", "ゼロゼロロクハチ")
    assert readings(fallback) == [hotline, center, center], "188 once, the center's number twice"
    text = "".join(fallback.find("Say").itertext())
    assert "188" not in text and "5974" not in text, "no number is left to the speech engine"
    assert text.startswith("迷惑メール相談のご案内です。")
    assert text.endswith("お電話ありがとうございました。")


def test_fallback_is_what_the_routes_served_would_make():
    fresh = ET.fromstring(fallback_twiml(str(ROUTES)).encode())
    assert canonical(fresh) == canonical(ET.fromstring(FALLBACK.read_bytes())), (
        "infra/fallback.xml is out of date: run `ivr twilio fallback -o infra/fallback.xml`")


def test_fallback_command_writes_the_document(runner, tmp_path):
    out = tmp_path / "fallback.xml"
    result = runner.invoke(main, ["twilio", "fallback", "--routes", str(ROUTES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert canonical(ET.fromstring(out.read_bytes())) == canonical(ET.fromstring(FALLBACK.read_bytes()))


def test_fallback_command_refuses_a_broken_routes_file(runner, tmp_path):
    broken = tmp_path / "routes.yaml"
    broken.write_text("version: 1\nline: {}\n", encoding="utf-8")
    result = runner.invoke(main, ["twilio", "fallback", "--routes", str(broken)])
    assert result.exit_code == 1
    assert "routes.yaml" in result.output and "<Response" not in result.output
