"""Read the text of a photo or screenshot: RapidOCR's PP-OCR models on onnxruntime, offline.

The detection and recognition models ship inside the ``rapidocr`` wheel (PP-OCRv6 small, one
model for Chinese and English), so nothing is downloaded at run time. The model is loaded once
per process, on first use, under a lock (a Celery worker's threads share it; onnxruntime
sessions may run concurrently). The image is decoded by :func:`smartcrm.engine.ocr.images.decode`,
which refuses hostile files with a typed error and bounds the pixels the model sees.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from smartcrm.engine.ocr.errors import OcrUnavailable
from smartcrm.engine.ocr.images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, decode
from smartcrm.engine.ocr.layout import detect_language, reading_rows

Point = tuple[float, float]

_ENGINES: dict[tuple[int, float], Any] = {}
_ENGINES_LOCK = threading.Lock()


@dataclass(frozen=True)
class OcrLine:
    """One detected text box: its text, its corners (clockwise from top left) and the model's confidence."""

    text: str
    box: tuple[Point, Point, Point, Point]
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    """What an image says. ``text`` joins the boxes of each visual row with a space and the rows,
    top to bottom, with newlines. ``language`` is ``en``, ``zh`` or ``mixed`` (``unknown`` when no
    text was found). ``seconds`` is the wall time of decoding and reading."""

    text: str
    lines: list[OcrLine] = field(default_factory=list)
    language: str = "unknown"
    seconds: float = 0.0


def _engine(threads: int, min_confidence: float) -> Any:
    """The process's RapidOCR engine for these settings, built once (thread-safe, lazy)."""
    key = (threads, min_confidence)
    engine = _ENGINES.get(key)
    if engine is not None:
        return engine
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:  # rapidocr, onnxruntime or opencv missing
                raise OcrUnavailable(f"OCR needs rapidocr with onnxruntime and opencv: {exc}") from exc
            engine = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.text_score": min_confidence,
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
            )
            _ENGINES[key] = engine
    return engine


class OcrReader:
    """Reads text from image bytes. Settings only are stored here; the model is shared per process.

    ``max_pixels`` refuses larger images from their header (:class:`~.errors.ImageTooLarge`),
    ``max_side`` shrinks a large photo before reading (2,000 px keeps receipt text legible and
    bounds the time), ``max_bytes`` refuses larger files, ``min_confidence`` drops boxes the model
    is unsure of, ``threads`` is onnxruntime's thread count (-1: all cores).
    """

    def __init__(
        self,
        *,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_side: int = DEFAULT_MAX_SIDE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_confidence: float = 0.5,
        threads: int = -1,
    ) -> None:
        self.max_pixels = max_pixels
        self.max_side = max_side
        self.max_bytes = max_bytes
        self.min_confidence = min_confidence
        self.threads = threads

    def read(self, image: bytes) -> OcrResult:
        """The text of ``image``; raises :class:`~.errors.UnreadableImage` for a file it refuses."""
        started = time.perf_counter()
        rgb = decode(image, max_bytes=self.max_bytes, max_pixels=self.max_pixels, max_side=self.max_side)
        lines = self.read_array(rgb)
        rows = reading_rows(lines)
        text = "\n".join(" ".join(line.text for line in row) for row in rows)
        ordered = [line for row in rows for line in row]
        return OcrResult(
            text=text, lines=ordered, language=detect_language(text), seconds=time.perf_counter() - started
        )

    def warm_up(self) -> None:
        """Load the model now (a worker's start) rather than on the first customer's photo."""
        _engine(self.threads, self.min_confidence)

    def read_array(self, rgb: np.ndarray) -> list[OcrLine]:
        """The text boxes of an already decoded RGB array, in the model's order."""
        if min(rgb.shape[:2]) < 4:
            return []
        engine = _engine(self.threads, self.min_confidence)
        output = engine(np.ascontiguousarray(rgb[:, :, ::-1]))  # the model takes BGR
        if output.boxes is None or output.txts is None:
            return []
        lines = []
        for box, text, score in zip(output.boxes, output.txts, output.scores, strict=True):
            corners = tuple((float(x), float(y)) for x, y in np.asarray(box).tolist())
            if text.strip():
                lines.append(OcrLine(text=text.strip(), box=corners, confidence=float(score)))  # type: ignore[arg-type]
        return lines
