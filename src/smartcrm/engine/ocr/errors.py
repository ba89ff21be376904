"""What the OCR engine refuses, as types a caller can tell apart (and show as a file's status)."""

from __future__ import annotations


class UnreadableImage(ValueError):
    """The bytes are not an image this engine reads: empty, another kind of file, truncated, corrupt.

    ``reason`` is a short stable code (``empty``, ``too_many_bytes``, ``not_an_image``, ``vector``,
    ``truncated``, ``corrupt``, ``too_large``) for a status field; the message says it in words.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ImageTooLarge(UnreadableImage):
    """More pixels than the reader's limit (a decompression bomb, or a scan far beyond any photo).

    Raised from the image header, before any pixel is decoded, so memory stays bounded.
    """

    def __init__(self, max_pixels: int, width: int | None = None, height: int | None = None) -> None:
        size = f"of {width} x {height} pixels " if width is not None else ""
        super().__init__("too_large", f"the image {size}is over the limit of {max_pixels:,} pixels")
        self.width = width
        self.height = height


class OcrUnavailable(RuntimeError):
    """No OCR backend can run here (rapidocr or its onnxruntime is missing); the message says which."""
