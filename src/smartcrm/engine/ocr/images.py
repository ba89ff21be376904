"""Decode untrusted image bytes with bounded work, for OCR and image signals.

Customers send anything: a ZIP renamed ``.png``, an SVG with a script, a truncated JPEG, a
30,000 x 30,000 PNG of a few kilobytes that would take 2.7 GB once decoded. The order of checks
keeps every one of them cheap: the byte size, then the magic bytes (so the error names what the
file really is), then the header's width and height (before any pixel is decoded), then the
decode itself. Only raster formats that Pillow decodes natively are opened; vector formats are
refused outright (they may carry scripts and have no fixed size). A large photo is decoded at
reduced size where the format allows it (JPEG's DCT scaling) and then shrunk to ``max_side``.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from smartcrm.engine.ocr.errors import ImageTooLarge, UnreadableImage

RASTER_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000  # a 50 MP phone photo passes; a decompression bomb does not
DEFAULT_MAX_SIDE = 2_000

# What a refused file most likely is, by its first bytes (for a message a person understands).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
)


_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def _looks_like(data: bytes) -> str | None:
    """The raster format the first bytes announce (WebP: RIFF....WEBP), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _IMAGE_SIGNATURES if data.startswith(magic)), None)


def sniff(data: bytes) -> str | None:
    """A description of a known non-image file kind from its first bytes, or None."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        return "an SVG or XML document"
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return None


def decode(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> np.ndarray:
    """The image as an RGB ``uint8`` array (height, width, 3), at most ``max_side`` on its long side.

    Raises :class:`UnreadableImage` (or :class:`ImageTooLarge`) with a message, never anything else
    for bad input. EXIF orientation is applied, so a phone photo taken sideways reads upright.
    """
    if not data:
        raise UnreadableImage("empty", "the file is empty (0 bytes)")
    if len(data) > max_bytes:
        raise UnreadableImage(
            "too_many_bytes", f"the file has {len(data):,} bytes, over the limit of {max_bytes:,}"
        )
    kind = sniff(data)
    if kind is not None:
        reason = "vector" if "SVG" in kind else "not_an_image"
        raise UnreadableImage(
            reason, f"the file is {kind}, not a photo or screenshot (PNG, JPEG, WebP, GIF, BMP, TIFF)"
        )
    image = _open(data, max_pixels)
    try:
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at 1/2, 1/4 or 1/8 size directly
        image.load()
        image = ImageOps.exif_transpose(image) or image
        rgb = image.convert("RGB")
    except Exception as exc:  # any decoder failure on hostile bytes is the file's fault, not ours
        truncated = "truncated" in str(exc).lower() or isinstance(exc, EOFError)
        reason = "truncated" if truncated else "corrupt"
        words = "is cut short (truncated)" if truncated else "is damaged and cannot be decoded"
        raise UnreadableImage(reason, f"the image {words}: {type(exc).__name__}") from exc
    finally:
        image.close()
    if max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and refuse an image over ``max_pixels`` before decoding it."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit; ours is lower and checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=RASTER_FORMATS)
    except Image.DecompressionBombError as exc:  # over twice Pillow's own limit (179 MP)
        raise ImageTooLarge(max_pixels) from exc
    except UnidentifiedImageError as exc:
        announced = _looks_like(data)
        if announced is not None:
            raise UnreadableImage(
                "corrupt", f"the file starts like a {announced} image but is damaged"
            ) from exc
        raise UnreadableImage(
            "not_an_image", "the file is not an image this reader knows (PNG, JPEG, WebP, GIF, BMP, TIFF)"
        ) from exc
    except Exception as exc:  # a plugin's parser failing on hostile bytes
        raise UnreadableImage("corrupt", f"the image header is damaged: {type(exc).__name__}") from exc
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise ImageTooLarge(max_pixels, width, height)
    if width < 1 or height < 1:
        image.close()
        raise UnreadableImage("corrupt", "the image has no pixels")
    return image
