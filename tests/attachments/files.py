"""Files made in the test, real ones and hostile ones (no fixtures on disk)."""

from __future__ import annotations

import io
import math
import struct
import wave
import zipfile

from PIL import Image


def png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps(width: int = 80, height: int = 60) -> bytes:
    """A photo whose EXIF says where it was taken (GPS) and with what camera."""
    image = Image.new("RGB", (width, height), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.2)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's start)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * min(width, 1000)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * 10))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.sh", "#!/bin/sh\necho owned\n")
    return out.getvalue()


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = int(seconds * rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(frames)))
    return out.getvalue()


def wav_claiming(seconds: float, rate: int = 8000) -> bytes:
    """A WAV whose header claims ``seconds`` of audio but holds one second."""
    data = wav(1.0, rate)
    claimed = int(seconds * rate) * 2
    return data[:4] + struct.pack("<I", 36 + claimed) + data[8:40] + struct.pack("<I", claimed) + data[44:]


def encoded(fmt: str, codec: str, seconds: float, rate: int = 16000) -> bytes:
    """Real compressed audio (a tone), encoded with FFmpeg through PyAV."""
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        samples = (np.sin(np.arange(int(seconds * rate)) / 8) * 8000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return out.getvalue()


def flac_claiming(seconds: float, rate: int = 8000) -> bytes:
    """A FLAC whose STREAMINFO says ``seconds`` long (3 hours, say) while holding one second."""
    data = encoded("flac", "flac", 1.0, rate)
    value = int.from_bytes(data[18:26], "big")
    value = (value & ~((1 << 36) - 1)) | int(seconds * rate)
    return data[:18] + value.to_bytes(8, "big") + data[26:]
