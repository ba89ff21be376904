"""What an uploaded file really is, judged by its bytes (never by its name or declared type).

``check(data, limits)`` answers a :class:`Checked` file or raises :class:`Refused` with a
sentence for the uploader. It keeps only what the shop can read and show safely:

* **images** (PNG, JPEG, GIF, WebP, BMP, TIFF): the header's size is checked against the pixel
  limit *before* any pixel is decoded (a 30,000 × 30,000 "bomb" is refused from its first
  bytes), then the picture is decoded and **re-encoded** (PNG, or JPEG for photos) with its
  orientation applied: EXIF (GPS location, camera), XMP, ICC comments and whatever was appended
  after the image (a ZIP behind a PNG) are gone from what is stored. A bounded thumbnail too;
* **audio** (MP3, Ogg/Opus, WAV, FLAC, M4A/AAC, AMR, WebM audio): opened with FFmpeg's
  demuxers (PyAV); it must hold an audio stream of more than 0 s and at most the limit;
* **text** (``.txt``/``.log``): valid UTF-8 (or UTF-16 with its BOM) without NUL bytes or
  other binary control characters, within its own smaller limit;
* **PDF** is kept as ``other`` (stored, not read). Everything else — SVG, HTML and XML (they
  can carry scripts), archives, office files, executables, video — is refused.

The limits come from the caller (``attachments.services`` reads them from the settings).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE = "image"
AUDIO = "audio"
TEXT = "text"
OTHER = "other"

IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/apng"}
)
AUDIO_TYPES = frozenset(
    {"audio/mpeg", "audio/ogg", "audio/x-wav", "audio/x-flac", "audio/mp4", "audio/aac", "audio/amr"}
)
OTHER_TYPES = frozenset({"application/pdf"})
# Markup a browser may run, wherever it starts (after a BOM and white space).
_MARKUP = (b"<svg", b"<?xml", b"<!doctype", b"<html", b"<script", b"<head", b"<body", b"<iframe", b"<!--")
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}


class Refused(ValueError):
    """The file is not accepted; ``str(exc)`` says why, for the uploader."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_text_bytes: int = 2 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_audio_seconds: float = 1800.0
    thumbnail_px: int = 320


@dataclass(frozen=True)
class Checked:
    kind: str  # image, audio, text or other
    content_type: str
    data: bytes  # what is stored: re-encoded for images, as sent otherwise
    extension: str
    thumbnail: bytes | None = None
    thumbnail_extension: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def check(data: bytes, limits: Limits) -> Checked:
    """The file as the shop keeps it, or :class:`Refused`."""
    if not data:
        raise Refused(_("The file is empty."))
    if len(data) > limits.max_bytes:
        raise Refused(_("The file is larger than %(mb)d MB.") % {"mb": limits.max_bytes // (1024 * 1024)})
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if head.startswith(_MARKUP) or b"<svg" in data[:4096].lower():
        raise Refused(_("SVG, HTML and XML files are not accepted (they can carry scripts)."))
    guess = filetype.guess(data)
    mime = guess.mime if guess is not None else ""
    if mime == "video/webm" or mime == "video/x-matroska":
        mime = "audio/webm" if _audio_only(data) else mime
    if mime in IMAGE_TYPES:
        return _image(data, limits)
    if mime in AUDIO_TYPES or mime == "audio/webm":
        return _audio(data, mime, limits)
    if mime in OTHER_TYPES:
        return Checked(OTHER, mime, data, guess.extension if guess else "bin")
    if mime:
        raise Refused(_("This type of file is not accepted (%(type)s).") % {"type": mime})
    return _text(data, limits)


def _image(data: bytes, limits: Limits) -> Checked:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > limits.max_pixels:
                    raise Refused(
                        _("The image is too large (%(w)d x %(h)d pixels; at most %(most)s pixels).")
                        % {"w": width, "h": height, "most": f"{limits.max_pixels:,}"}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                upright = ImageOps.exif_transpose(image)
        except Refused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused(
                _("The image is too large (at most %(most)s pixels).") % {"most": f"{limits.max_pixels:,}"}
            ) from exc
        except UnidentifiedImageError as exc:
            raise Refused(_("The image cannot be read (damaged, or not really an image).")) from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise Refused(_("The image is damaged or truncated.")) from exc
    photo = upright.mode in {"RGB", "CMYK", "YCbCr", "L"} and image.format == "JPEG"
    clean, mime, ext = _encode(upright, photo)
    details = {"width": upright.width, "height": upright.height}
    upright.thumbnail((limits.thumbnail_px, limits.thumbnail_px))
    thumb, _type, thumb_ext = _encode(upright, photo)
    return Checked(IMAGE, mime, clean, ext, thumbnail=thumb, thumbnail_extension=thumb_ext, details=details)


def _encode(image: Image.Image, photo: bool) -> tuple[bytes, str, str]:
    """A fresh file with the pixels only: no EXIF, XMP, comments or trailing bytes."""
    out = io.BytesIO()
    if photo:
        image.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
        return out.getvalue(), "image/jpeg", "jpg"
    mode = "RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} or "transparency" in image.info else "RGB"
    image.convert(mode).save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/png", "png"


def _audio_only(data: bytes) -> bool:
    try:
        import av

        with av.open(io.BytesIO(data)) as container:
            return bool(container.streams.audio) and not container.streams.video
    except Exception:  # any demuxer error: not an audio file
        return False


def _audio(data: bytes, mime: str, limits: Limits) -> Checked:
    import av  # FFmpeg's libraries: loaded only when audio arrives

    try:
        with av.open(io.BytesIO(data), metadata_errors="ignore") as container:
            if not container.streams.audio or container.streams.video:
                raise Refused(_("The file holds no audio track (or also video, which is not accepted)."))
            stream = container.streams.audio[0]
            seconds = _duration(container, stream)
            rate, channels = stream.rate, stream.channels
    except Refused:
        raise
    except (av.error.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise Refused(_("The audio file is damaged or in a format we cannot read.")) from exc
    if seconds is None or seconds <= 0.05:
        raise Refused(_("The recording is empty (0 seconds)."))
    if seconds > limits.max_audio_seconds:
        raise Refused(
            _("The recording is too long (%(min)d min; at most %(most)d min).")
            % {"min": round(seconds / 60), "most": round(limits.max_audio_seconds / 60)}
        )
    ext = {"audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/x-wav": "wav", "audio/x-flac": "flac"}.get(
        mime, "m4a"
    )
    ext = {"audio/amr": "amr", "audio/webm": "webm", "audio/aac": "aac"}.get(mime, ext)
    details = {"duration_seconds": round(seconds, 2), "sample_rate": rate, "channels": channels}
    return Checked(AUDIO, mime, data, ext, details=details)


def _duration(container: Any, stream: Any) -> float | None:
    """The header's duration, else the decoded samples' (bounded by the file size limit)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000
    samples = 0
    for frame in container.decode(stream):
        samples += frame.samples
    return samples / stream.rate if stream.rate else None


def _text(data: bytes, limits: Limits) -> Checked:
    if len(data) > limits.max_text_bytes:
        raise Refused(_("A text file may hold at most %(kb)d KB.") % {"kb": limits.max_text_bytes // 1024})
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(_("This type of file is not accepted (not text, image or audio).")) from exc
    if any(ord(ch) in _TEXT_CONTROLS for ch in text):
        raise Refused(_("This type of file is not accepted (binary data, not text)."))
    if not text.strip():
        raise Refused(_("The text file is empty."))
    return Checked(TEXT, "text/plain", text.encode("utf-8"), "txt", details={"characters": len(text)})
