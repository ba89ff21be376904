"""The engines that read photos (OCR) and recordings (speech to text), plugged into the reader
registry (:mod:`smartcrm.attachments.readers`) when the app loads.

Each model loads once per process, on the first file it reads (OCR about a second, Whisper a
few): web processes that never process an attachment never load them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from smartcrm.attachments import readers

if TYPE_CHECKING:  # the engines import numpy and friends: loaded on the first file, not at startup
    from smartcrm.engine import ocr, speech

LANGUAGES = {"en", "zh"}


@cache
def _ocr_reader() -> ocr.OcrReader:
    from smartcrm.engine import ocr

    return ocr.OcrReader()


@cache
def _transcriber() -> speech.Transcriber:
    from smartcrm.engine import speech

    return speech.Transcriber(settings.SMARTCRM_SPEECH_MODEL)


def read_image(path: Path) -> readers.ReadResult:
    """The text in a photo or screenshot, lines in reading order."""
    from smartcrm.engine import ocr

    try:
        result = _ocr_reader().read(path.read_bytes())
    except ocr.UnreadableImage as exc:
        raise readers.Unreadable(str(exc)) from exc
    if not result.text.strip():
        raise readers.Unreadable(_("No text found in the image."))
    details = {"reader": "ocr", "lines": len(result.lines), "seconds": round(result.seconds, 2)}
    return readers.ReadResult(result.text, result.language if result.language in LANGUAGES else "", details)


def read_audio(path: Path) -> readers.ReadResult:
    """The words of a voice message or call recording."""
    from smartcrm.engine import speech

    try:
        transcript = _transcriber().transcribe(path)
    except (speech.AudioEmpty, speech.AudioTooLong, speech.AudioUnreadable) as exc:
        raise readers.Unreadable(str(exc)) from exc
    if not transcript.text.strip():
        raise readers.Unreadable(_("No speech found in the recording."))
    details = {
        "reader": "speech",
        "model": settings.SMARTCRM_SPEECH_MODEL,
        "duration_seconds": round(transcript.duration_seconds, 1),
        "complete": transcript.complete,
        "seconds": round(transcript.seconds, 2),
    }
    return readers.ReadResult(transcript.text, transcript.language, details)


def spoken_order_numbers(text: str) -> list[str]:
    """Order numbers read out digit by digit ("one one eight four"), in the shop's SO-######## form."""
    from smartcrm.engine import speech

    return [f"SO-{int(digits):08d}" for digits in speech.find_spoken_order_numbers(text)]


def photo_order_numbers(text: str) -> list[str]:
    """Order numbers in OCR text, tolerant of O/0, S/5 and I/1 misreads."""
    from smartcrm.engine import ocr

    return ocr.find_order_numbers(text)


def photo_tracking_numbers(text: str) -> list[str]:
    from smartcrm.engine import ocr

    return ocr.find_tracking_numbers(text)


def register_engines() -> None:
    readers.register("image", read_image)
    readers.register("audio", read_audio)
    readers.register_finder(photo_order_numbers)
    readers.register_finder(photo_tracking_numbers, tracking=True)
    readers.register_finder(spoken_order_numbers)
