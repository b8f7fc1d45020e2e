"""How long a caller listens before hearing what they need, by Open JTalk or by estimate."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

from ..core.flow import CallFlow
from ..core.paths import Path, SpokenPath, spoken, walk
from ..core.readings import Pause, Segment, spoken_parts

EAGER_LIMIT = 20.0
SPOKEN_LIMIT = 8.0  # seconds from the end of a caller's recognised words to their number
PATIENT_LIMIT = 40.0
MORAE_PER_SECOND = 6.5
# Small kana (ゃ, ュ, …) join the mora before them.
_SMALL_KANA = frozenset(
    c for c in map(chr, range(0x3041, 0x3100)) if "SMALL" in unicodedata.name(c, "")
)
_KANA = re.compile(r"[\u3041-\u30ff]")
_KANJI = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"[0-9]")
_PAUSING = ("、", "。", "！", "？", ",", ".")


@contextlib.contextmanager
def quiet():
    """Silence what Open JTalk's C library prints on stdout and stderr."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(io.StringIO()):
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


@cache
def open_jtalk():
    """The pyopenjtalk module if the speech extra is installed, else None."""
    try:
        with quiet():
            import pyopenjtalk
    except ImportError:
        return None
    return pyopenjtalk


def estimate_seconds(text: str) -> float:
    """Seconds to hear Japanese text, from a mora count (about 6.5 morae a second)."""
    kana = len(_KANA.findall(text)) - sum(c in _SMALL_KANA for c in text)
    morae = kana + 2 * len(_KANJI.findall(text)) + 2 * len(_DIGIT.findall(text))
    return morae / MORAE_PER_SECOND


def speech_seconds(segments: tuple[Segment, ...]) -> float:
    """Seconds a caller listens to these segments, said as the line asks Twilio to say them.

    The one measure of the line's seconds (`ivr preview`, `ivr check`, the tests, docs/callers.md):
    each run of words at its rate (numbers at NUMBER_RATE) and every pause (<break>) as
    written. A run is timed as Open JTalk speaks it (its duration model, where installed, else
    a mora count), without the silence the engine puts before an utterance; the pauses a voice
    makes at 、 and 。 are counted, at the end of a run too.
    """
    return sum(part.ms / 1000 if isinstance(part, Pause) else run_seconds(part.text, part.rate)
               for part in spoken_parts(segments))


@lru_cache(maxsize=4096)
def run_seconds(text: str, rate: int = 100) -> float:
    """Seconds of one run of speech at `rate` percent of the voice's own rate.

    Open JTalk's duration model gives the length of the waveform its synthesis would make, in
    milliseconds instead of about a twentieth of the speech's length; where this build of
    pyopenjtalk does not export its engine's C API, the run is synthesised. Each run is timed
    once per process (check and preview share it).
    """
    if open_jtalk() is None:
        return estimate_seconds(text) * 100 / rate
    labels = run_labels(text)
    if not labels:
        return 0.0
    model = duration_model()
    if model is None:
        return synthesized_seconds(labels, rate)
    return model.seconds(labels, rate / 100)


def run_labels(text: str) -> list[str]:
    """Open JTalk's full-context labels for a run, without the silence it puts before an
    utterance, and without the one after it unless the run ends at a 、 or 。 (where a voice
    pauses, whatever follows)."""
    with quiet():
        labels = open_jtalk().extract_fullcontext(text)
    while labels and _phoneme(labels[0]) == "sil":
        labels = labels[1:]
    if not text.rstrip().endswith(_PAUSING):
        while labels and _phoneme(labels[-1]) == "sil":
            labels = labels[:-1]
    return labels if any(_phoneme(label) not in ("sil", "pau") for label in labels) else []


def _phoneme(label: str) -> str:
    """The phoneme of a full-context label (p1^p2-PHONEME+p4=p5/…)."""
    return label.split("-", 1)[1].split("+", 1)[0]


@cache
def duration_model():
    """Open JTalk's duration model (see durations.py), or None if it cannot be reached."""
    from .durations import DurationModel

    try:
        with quiet():
            return DurationModel(open_jtalk())
    except (OSError, AttributeError, RuntimeError):
        return None


def synthesize(labels: list[str], rate: int = 100):
    """Open JTalk's waveform for these labels at `rate` percent, and its sampling rate."""
    with quiet():
        return open_jtalk().synthesize(labels, speed=rate / 100)


def synthesized_seconds(labels: list[str], rate: int = 100) -> float:
    """Seconds of the waveform Open JTalk synthesises for labels (slow: the whole audio)."""
    audio, sampling = synthesize(labels, rate)
    return len(audio) / sampling


@dataclass(frozen=True)
class Timing:
    """Seconds of speech on one path before the desk's number (or its answer) begins."""

    path: Path
    eager: float
    patient: float

    @property
    def too_long(self) -> bool:
        """Over 20 s for a caller who presses at once, or 40 s for one who hears everything."""
        return self.eager > EAGER_LIMIT or self.patient > PATIENT_LIMIT


def write_wav(segments: tuple[Segment, ...], target) -> float:
    """Speak the segments with Open JTalk into a 16-bit mono WAV file, as the line asks Twilio
    to say them (each run at its rate, each pause as written); return its seconds, which
    are speech_seconds(segments) to the sample."""
    import wave

    import numpy

    if open_jtalk() is None:
        raise RuntimeError("WAV files need the speech extra: pip install 'meiwaku-ivr[speech]'")
    pieces, sampling = [], 48000
    for part in spoken_parts(segments):
        if isinstance(part, Pause):
            pieces.append(numpy.zeros(part.ms * sampling // 1000))
            continue
        labels = run_labels(part.text)
        if labels:
            audio, sampling = synthesize(labels, part.rate)
            pieces.append(audio)
    audio = numpy.concatenate(pieces) if pieces else numpy.zeros(0)
    samples = numpy.clip(audio, -32768, 32767).astype("<i2")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sampling))
        out.writeframes(samples.tobytes())
    return len(samples) / sampling


def timings(flow: CallFlow, now: datetime) -> list[Timing]:
    """The timing of every path through the menus."""
    return [Timing(p, speech_seconds(p.eager), speech_seconds(p.patient)) for p in walk(flow, now)]


@dataclass(frozen=True)
class SpokenTiming:
    """Seconds from the end of a caller's words to the end of the sentence giving the number."""

    path: SpokenPath
    seconds: float

    @property
    def too_long(self) -> bool:
        """Over 8 s, or words that were not understood."""
        return self.path.desk is None or self.seconds > SPOKEN_LIMIT


def spoken_timings(flow: CallFlow, now: datetime) -> list[SpokenTiming]:
    """The timing of every option's first `says:` phrase, said at the first menu."""
    return [SpokenTiming(p, speech_seconds(p.heard)) for p in spoken(flow, now)]
