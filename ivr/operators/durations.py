"""The length of Open JTalk's speech from its duration model, without making the waveform.

Open JTalk speaks in three steps (hts_engine_API): the duration model gives each state of each
phoneme a number of frames, then the parameters of every frame are generated, then the waveform,
`fperiod` samples a frame. The waveform's length is fixed by the first step, which takes a few
milliseconds where the other two take about a twentieth of the speech's length. This module
loads pyopenjtalk's voice into an engine of its own, through the engine's public C API exported
by pyopenjtalk's `htsengine` module, and runs the first step only.
"""

from __future__ import annotations

import ctypes
import threading
import weakref

# Room for the engine's state: sizeof(HTS_Engine) is 424 bytes in hts_engine_API 1.10 on 64-bit.
ENGINE_BYTES = 1 << 14

_SIGNATURES = {
    # name: (result, arguments after the engine)
    "HTS_Engine_initialize": (None, ()),
    "HTS_Engine_load": (ctypes.c_char, (ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t)),
    "HTS_Engine_get_sampling_frequency": (ctypes.c_size_t, ()),
    "HTS_Engine_get_fperiod": (ctypes.c_size_t, ()),
    "HTS_Engine_set_speed": (None, (ctypes.c_double,)),
    "HTS_Engine_generate_state_sequence_from_strings":
        (ctypes.c_char, (ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t)),
    "HTS_Engine_get_total_state": (ctypes.c_size_t, ()),
    "HTS_Engine_get_state_duration": (ctypes.c_size_t, (ctypes.c_size_t,)),
    "HTS_Engine_refresh": (None, ()),
    "HTS_Engine_clear": (None, ()),
}


class DurationModel:
    """Open JTalk's engine with pyopenjtalk's voice, run as far as the frames of each state."""

    def __init__(self, pyopenjtalk, voice: bytes | None = None):
        lib = ctypes.CDLL(pyopenjtalk.htsengine.__file__)
        self._c = {}
        for name, (result, arguments) in _SIGNATURES.items():
            function = getattr(lib, name)  # AttributeError where the C API is not exported
            function.restype = result
            function.argtypes = (ctypes.c_void_p, *arguments)
            self._c[name] = function
        self._engine = ctypes.create_string_buffer(ENGINE_BYTES)
        self._lock = threading.Lock()
        self._c["HTS_Engine_initialize"](self._engine)
        voices = (ctypes.c_char_p * 1)(voice or pyopenjtalk.DEFAULT_HTS_VOICE)
        if self._c["HTS_Engine_load"](self._engine, voices, 1) != b"\x01":
            raise RuntimeError(f"Open JTalk could not load its voice {voices[0]!r}")
        weakref.finalize(self, self._c["HTS_Engine_clear"], self._engine)
        self.rate = self._c["HTS_Engine_get_sampling_frequency"](self._engine)
        self.fperiod = self._c["HTS_Engine_get_fperiod"](self._engine)

    def frames(self, labels: list[str], speed: float = 1.0) -> int:
        """Frames of speech for these full-context labels (pyopenjtalk.extract_fullcontext),
        spoken at `speed` times the voice's own rate (0.8: slower, each state longer)."""
        if not labels:
            return 0
        lines = (ctypes.c_char_p * len(labels))(*(label.encode() for label in labels))
        c = self._c
        with self._lock:
            c["HTS_Engine_set_speed"](self._engine, speed)
            try:
                if c["HTS_Engine_generate_state_sequence_from_strings"](
                        self._engine, lines, len(labels)) != b"\x01":
                    raise RuntimeError("Open JTalk's duration model refused the labels")
                return sum(c["HTS_Engine_get_state_duration"](self._engine, state)
                           for state in range(c["HTS_Engine_get_total_state"](self._engine)))
            finally:
                c["HTS_Engine_refresh"](self._engine)
                c["HTS_Engine_set_speed"](self._engine, 1.0)

    def seconds(self, labels: list[str], speed: float = 1.0) -> float:
        """Seconds of the waveform pyopenjtalk.synthesize(labels, speed) would make."""
        return self.frames(labels, speed) * self.fperiod / self.rate
