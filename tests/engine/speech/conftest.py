"""Real speech for the speech engine's tests: short sentences spoken by Debian's flite and espeak-ng."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcrm.evaluation.speech_corpus import synthesise

Say = Callable[[str, str], Path]


@pytest.fixture(scope="session")
def say(tmp_path_factory: pytest.TempPathFactory) -> Say:
    folder = tmp_path_factory.mktemp("speech")

    def speak(text: str, voice: str = "flite:slt") -> Path:
        out = folder / f"{abs(hash((text, voice)))}.wav"
        if not out.exists():
            synthesise(text, voice, 160, out)
        return out

    return speak


def wav_header(data_bytes: int, rate: int = 8000) -> bytes:
    """A 16-bit mono PCM WAV header announcing ``data_bytes`` of samples."""
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + fmt
        + b"data"
        + struct.pack("<I", data_bytes)
    )
