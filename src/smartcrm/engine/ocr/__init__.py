"""Text in customers' photos and screenshots, offline (no Django).

:class:`OcrReader` reads image bytes with RapidOCR's packaged PP-OCR models
(:mod:`.reader`), after :func:`.images.decode` has refused hostile files with a typed error
(:mod:`.errors`); :func:`find_order_numbers` and :func:`find_tracking_numbers` pick the
numbers that link a photo to an order (:mod:`.numbers`); :func:`image_signal` says whether a
photo shows damage, a wrong item or packaging, or why it cannot (:mod:`.signals`).
"""

from smartcrm.engine.ocr.errors import ImageTooLarge, OcrUnavailable, UnreadableImage
from smartcrm.engine.ocr.numbers import DEFAULT_ORDER_FORMAT, find_order_numbers, find_tracking_numbers
from smartcrm.engine.ocr.reader import OcrLine, OcrReader, OcrResult
from smartcrm.engine.ocr.signals import IMAGE_LABELS, ImageSignal, image_signal

__all__ = [
    "DEFAULT_ORDER_FORMAT",
    "IMAGE_LABELS",
    "ImageSignal",
    "ImageTooLarge",
    "OcrLine",
    "OcrReader",
    "OcrResult",
    "OcrUnavailable",
    "UnreadableImage",
    "find_order_numbers",
    "find_tracking_numbers",
    "image_signal",
]
