"""Read a voice message into 16 kHz mono samples, with the work bounded before it starts.

The container's own duration is read first, so a file that says it lasts three hours is refused
before one frame is decoded. Headers lie, so decoding stops anyway as soon as the samples pass
the maximum: memory stays under about ``max_seconds`` × 16,000 × 6 bytes whatever the file says.
Anything FFmpeg (PyAV) cannot open as audio is ``AudioUnreadable``; a file cut off midway keeps
what decoded before the cut and says it is incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from smartcrm.engine.speech.errors import AudioEmpty, AudioTooLong, AudioUnreadable

SAMPLE_RATE = 16_000
# Under a tenth of a second there is no word to hear: treated as empty.
MIN_SECONDS = 0.1
# A file this big that yields no sound is not an empty recording but something else.
EMPTY_FILE_BYTES = 4096


@dataclass(frozen=True)
class Audio:
    samples: npt.NDArray[np.float32]
    complete: bool

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def claimed_seconds(container: av.container.InputContainer) -> float | None:
    """The duration the file declares (container, else the audio stream), None when it says none."""
    if container.duration is not None and container.duration > 0:
        return float(container.duration) / av.time_base
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    return None


def probe_seconds(path: str | Path) -> float | None:
    """The declared duration, without decoding; raises ``AudioUnreadable`` for non-audio."""
    with _open(path) as container:
        return claimed_seconds(container)


def load(path: str | Path, max_seconds: float) -> Audio:
    """The audio as float32 samples in [-1, 1] at 16 kHz mono, refused if empty or too long."""
    with _open(path) as container:
        claimed = claimed_seconds(container)
        if claimed is not None and claimed > max_seconds:
            raise AudioTooLong(claimed, max_seconds)
        audio = _decode(container, max_seconds)
    if audio.seconds == 0 and Path(path).stat().st_size > EMPTY_FILE_BYTES:
        raise AudioUnreadable("the file's data decodes to no sound")
    if audio.seconds < MIN_SECONDS:
        raise AudioEmpty("the audio holds no sound (0 seconds)")
    return audio


def _open(path: str | Path) -> av.container.InputContainer:
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioUnreadable("the file is not audio that can be read") from exc
    if not container.streams.audio:
        container.close()
        raise AudioUnreadable("the file holds no audio track")
    return container


def _decode(container: av.container.InputContainer, max_seconds: float) -> Audio:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[npt.NDArray[np.int16]] = []
    total = received = 0
    complete = True
    try:
        for packet in container.demux(container.streams.audio[0]):
            received += packet.size
            for frame in packet.decode():
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1).astype(np.int16, copy=False)
                    chunks.append(chunk)
                    total += len(chunk)
            if total > limit:
                raise AudioTooLong(total / SAMPLE_RATE, max_seconds)
        chunks.extend(
            out.to_ndarray().reshape(-1).astype(np.int16, copy=False) for out in resampler.resample(None)
        )
    except av.FFmpegError as exc:
        if total == 0:
            raise AudioUnreadable("the audio could not be decoded") from exc
        complete = False
    if not chunks and received:
        # Bytes came in and no sound came out: not audio, whatever the extension and the first bytes say.
        raise AudioUnreadable("the file's data decodes to no sound")
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return Audio(samples=(samples.astype(np.float32) / 32768.0), complete=complete)
