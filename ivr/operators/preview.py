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
from ..core.readings import Segment, plain

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
    """Seconds to hear these segments: Open JTalk's where installed, else an estimate."""
    text = plain(segments)
    if not text:
        return 0.0
    if open_jtalk() is None:
        return estimate_seconds(text)
    return _spoken_seconds(text)


@lru_cache(maxsize=1024)
def _spoken_seconds(text: str) -> float:
    """Open JTalk's seconds for a text, from its duration model: the length of the waveform
    its synthesis would make, in milliseconds instead of about a twentieth of the speech's
    length. Where this build of pyopenjtalk does not export its engine's C API, the text is
    synthesised. Each text is timed once per process (check and preview share it)."""
    model = duration_model()
    if model is None:
        return synthesized_seconds(text)
    with quiet():
        labels = open_jtalk().extract_fullcontext(text)
    return model.seconds(labels)


@cache
def duration_model():
    """Open JTalk's duration model (see durations.py), or None if it cannot be reached."""
    from .durations import DurationModel

    try:
        with quiet():
            return DurationModel(open_jtalk())
    except (OSError, AttributeError, RuntimeError):
        return None


def synthesized_seconds(text: str) -> float:
    """Seconds of the waveform Open JTalk synthesises for a text (slow: the whole audio)."""
    with quiet():
        audio, rate = open_jtalk().tts(text)
    return len(audio) / rate


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
    """Speak the segments with Open JTalk into a 16-bit mono WAV file; return its seconds."""
    import wave

    import numpy

    engine = open_jtalk()
    if engine is None:
        raise RuntimeError("WAV files need the speech extra: pip install 'meiwaku-ivr[speech]'")
    with quiet():
        audio, rate = engine.tts(plain(segments))
    samples = numpy.clip(audio, -32768, 32767).astype("<i2")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(rate))
        out.writeframes(samples.tobytes())
    return len(samples) / rate


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
