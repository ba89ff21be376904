"""Hostile files at the OCR engine: each is refused with a typed error and a message, cheaply.

None of these reaches the model: the checks run on the byte size, the magic bytes and the
header before any pixel is decoded, so a 30,000 x 30,000 image costs microseconds, not 2.7 GB.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from smartcrm.engine.ocr import ImageTooLarge, OcrReader, UnreadableImage
from smartcrm.engine.ocr.images import decode


def _png(width: int, height: int, *, crc_ok: bool = True) -> bytes:
    """A PNG whose header claims ``width`` x ``height``, with one tiny compressed row of data."""

    def chunk(kind: bytes, data: bytes, ok: bool = True) -> bytes:
        crc = zlib.crc32(kind + data) if ok else 0
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header, crc_ok) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _photo() -> Image.Image:
    image = Image.new("RGB", (320, 200), "white")
    for x in range(0, 320, 7):
        image.paste((x % 255, 40, 200 - x % 200), (x, 0, x + 3, 200))
    return image


def _jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(_saved(_photo(), "JPEG", quality=80))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("receipt.png", b"not really")
    return out.getvalue()


def _gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(_saved(Image.new("P", (8, 8)), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def _bmp_claiming(width: int, height: int) -> bytes:
    data = bytearray(_saved(Image.new("RGB", (8, 8)), "BMP"))
    data[18:26] = struct.pack("<ii", width, height)
    return bytes(data)


def _bomb() -> bytes:
    """A real 8,000 x 8,000 PNG (64 megapixels) of a few kilobytes: over the 50 MP limit."""
    return _saved(Image.new("1", (8000, 8000)), "PNG")


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "zero bytes": (lambda: b"", "empty"),
    "a ZIP named .png": (_zip, "not_an_image"),
    "a PDF": (lambda: b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "not_an_image"),
    "an SVG with a script": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "vector",
    ),
    "an SVG behind an XML declaration": (
        lambda: b'<?xml version="1.0"?>\n<svg width="10" height="10"/>',
        "vector",
    ),
    "an HTML page": (
        lambda: b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        "not_an_image",
    ),
    "a Linux program": (lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "not_an_image"),
    "a gzip archive": (lambda: zlib.compress(b"x") and b"\x1f\x8b\x08\x00" + b"\x00" * 20, "not_an_image"),
    "plain text": (lambda: b"my order SO-00012345 never came", "not_an_image"),
    "random bytes": (lambda: bytes(range(256)) * 4, "not_an_image"),
    "an icon (a format not read)": (lambda: _saved(Image.new("RGB", (16, 16)), "ICO"), "not_an_image"),
    "a PNG signature then garbage": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x13" * 100, "corrupt"),
    "a PNG with a bad checksum": (lambda: _png(100, 100, crc_ok=False), "corrupt"),
    "a truncated JPEG": (lambda: _saved(_photo(), "JPEG")[:900], "truncated"),
    "a truncated PNG": (lambda: _saved(_photo(), "PNG")[:300], "truncated"),
    "a truncated WebP": (lambda: _saved(_photo(), "WEBP")[:200], "corrupt"),
    "a PNG of 30,000 x 30,000": (lambda: _png(30_000, 30_000), "too_large"),
    "a PNG of 2,147,483,647 squared": (lambda: _png(2**31 - 1, 2**31 - 1), "too_large"),
    "a real 64-megapixel PNG bomb": (_bomb, "too_large"),
    "a JPEG claiming 65,000 x 65,000": (lambda: _jpeg_claiming(65_000, 65_000), "too_large"),
    "a GIF claiming 30,000 x 30,000": (lambda: _gif_claiming(30_000, 30_000), "too_large"),
    "a BMP claiming 30,000 x 30,000": (lambda: _bmp_claiming(30_000, 30_000), "too_large"),
    "a PNG of no pixels": (lambda: _png(0, 10), "corrupt"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_with_a_reason(name: str) -> None:
    make, reason = HOSTILE[name]
    with pytest.raises(UnreadableImage) as refused:
        OcrReader().read(make())
    assert refused.value.reason == reason, (name, refused.value.reason, str(refused.value))
    assert str(refused.value)  # a message a person can read


_READ_ALL = """
import re, sys
from pathlib import Path
from smartcrm.engine.ocr import UnreadableImage
from smartcrm.engine.ocr.images import decode
for path in sorted(Path(sys.argv[1]).iterdir()):
    try:
        decode(path.read_bytes())
    except UnreadableImage as exc:
        print(path.name, exc.reason)
# VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over exec).
print("peak_kb", re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
"""


def test_hostile_files_never_take_the_memory_they_claim(tmp_path: Path) -> None:
    """All of them in one fresh process: its peak memory stays that of Python and Pillow.

    Decoded, the 64-megapixel bomb alone would take 192 MB as RGB, a 30,000 x 30,000 image 2.7 GB.
    """
    for i, (make, _) in enumerate(HOSTILE.values()):
        (tmp_path / f"{i:02d}").write_bytes(make())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _READ_ALL, str(tmp_path)], capture_output=True, text=True, env=env, check=True
    )
    lines = done.stdout.split("\n")
    reasons = [line.split()[1] for line in lines if line and not line.startswith("peak_kb")]
    assert reasons == [reason for _, reason in HOSTILE.values()]
    peak_mb = int(lines[-2].split()[1]) / 1024
    assert peak_mb < 100, peak_mb


def test_too_large_says_the_size() -> None:
    with pytest.raises(ImageTooLarge) as refused:
        decode(_png(12_000, 9_000))
    assert (refused.value.width, refused.value.height) == (12_000, 9_000)
    assert "12000 x 9000" in str(refused.value)
    with pytest.raises(ImageTooLarge, match="over the limit of 50,000,000 pixels"):
        decode(_png(30_000, 30_000))  # past Pillow's own bomb limit: refused there, same type


def test_a_file_over_the_byte_limit() -> None:
    with pytest.raises(UnreadableImage) as refused:
        OcrReader(max_bytes=1000).read(_saved(_photo(), "PNG"))
    assert refused.value.reason == "too_many_bytes"


def test_a_large_photo_is_shrunk_not_refused() -> None:
    wide = _saved(Image.new("RGB", (6000, 3000), "white"), "JPEG")
    assert decode(wide, max_side=2000).shape == (1000, 2000, 3)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: the camera was held upright
    data = _saved(Image.new("RGB", (300, 100), "white"), "JPEG", exif=exif)
    assert decode(data).shape == (300, 100, 3)


def test_odd_modes_decode_to_rgb() -> None:
    for image in (
        Image.new("CMYK", (20, 10)),
        Image.new("LA", (20, 10)),
        Image.new("I;16", (20, 10)),
        Image.new("P", (20, 10)),
    ):
        fmt = "TIFF" if image.mode in {"CMYK", "I;16"} else "PNG"
        assert decode(_saved(image, fmt)).shape == (10, 20, 3)


def test_a_tiny_image_reads_as_no_text() -> None:
    result = OcrReader().read(_saved(Image.new("RGB", (2, 2), "white"), "PNG"))
    assert (result.text, result.lines, result.language) == ("", [], "unknown")
