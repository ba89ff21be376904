"""Hostile audio: each file gets a clear, typed refusal or bounded work, never a crash or a memory blow-up."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import av
import numpy as np
import pytest

from smartcrm.engine.speech import (
    AudioEmpty,
    AudioTooLong,
    AudioUnreadable,
    LanguageUnsupported,
    SpeechError,
    Transcriber,
)
from smartcrm.engine.speech import audio as audio_io
from tests.engine.speech.conftest import Say, wav_header

THREE_HOURS = 3 * 3600


def write_flac(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with av.open(str(path), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            samples.reshape(1, -1).astype(np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def test_zero_seconds_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "zero.wav"
    path.write_bytes(wav_header(0))
    with pytest.raises(AudioEmpty, match="0 seconds"):
        audio_io.load(path, 900)


def test_three_hours_of_silence_is_refused_before_decoding(tmp_path: Path) -> None:
    # A real three-hour WAV (sparse on disk: silence), refused from its length alone.
    path = tmp_path / "three-hours.wav"
    data = THREE_HOURS * 8000 * 2
    with path.open("wb") as handle:
        handle.write(wav_header(data))
        handle.truncate(len(wav_header(data)) + data)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(AudioTooLong) as refused:
        Transcriber(max_seconds=900).transcribe(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.seconds == pytest.approx(THREE_HOURS, rel=0.01)
    assert "longer than the maximum of 900 s" in str(refused.value)
    assert time.perf_counter() - started < 10
    assert peak < 20_000_000


def test_decoding_stops_at_the_maximum_whatever_the_header_says(tmp_path: Path) -> None:
    # The header claims a few samples; 60 s follow. Decoding itself stops at the limit.
    path = write_flac(tmp_path / "minute.flac", np.zeros(60 * 16000))
    with av.open(str(path)) as container, pytest.raises(AudioTooLong):
        audio_io._decode(container, max_seconds=5)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.wav", b"this is not audio at all " * 200),
        ("image.mp3", b"\x89PNG\r\n\x1a\n" + bytes(600)),
        ("empty.ogg", b""),
        ("zip.m4a", b"PK\x03\x04" + bytes(300)),
        ("header-only.wav", b"RIFF\x24\x00\x00\x00WAVEfmt "),
        ("random.flac", np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes()),
    ],
)
def test_not_audio_is_unreadable(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AudioUnreadable):
        Transcriber().transcribe(path)


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(AudioUnreadable):
        audio_io.load(tmp_path / "nowhere.wav", 900)


def test_a_truncated_file_keeps_what_decoded_and_says_so(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    full = write_flac(tmp_path / "full.flac", rng.normal(0, 3000, 10 * 16000))
    cut = tmp_path / "cut.flac"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    audio = audio_io.load(cut, 900)
    assert not audio.complete
    assert 1 < audio.seconds < 10
    assert audio_io.load(full, 900).complete


def test_the_maximum_is_configurable(say: Say) -> None:
    path = say("Please call me back about my parcel, I have been waiting for a week.")
    with pytest.raises(AudioTooLong):
        Transcriber(max_seconds=1.5).transcribe(path)


def test_the_english_model_refuses_chinese(say: Say) -> None:
    with pytest.raises(LanguageUnsupported, match="English only"):
        Transcriber("tiny.en").transcribe(say("hello"), language="zh")


def test_every_refusal_is_a_value_error() -> None:
    for error in (AudioEmpty, AudioTooLong, AudioUnreadable, LanguageUnsupported):
        assert issubclass(error, SpeechError)
        assert issubclass(error, ValueError)
