"""Readers: what turns a stored file into text, one per kind of attachment.

A reader is a callable ``(path) -> ReadResult`` for a file on local disk (the processing task
copies a file from the S3 store to a temporary one first). It raises :class:`Unreadable` with a
sentence when the file holds nothing it can read; anything else it raises is a failure, caught
and recorded by the task (``attachments.services.process_attachment``), never a crashed worker.

The text reader ships here. OCR for images and speech-to-text for audio live in the engines
(``smartcrm.engine.ocr``, ``smartcrm.engine.speech``) and are plugged in with :func:`register`
(see docs/architecture.md, "Attachments"); a kind without a reader is stored and shown, not read.
Order and tracking numbers are found by the **finders** (``register_finder``): each maps a text
to the numbers it recognises, so the OCR engine's O/0-tolerant patterns can join the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from smartcrm.engine.nlp.language import detect_language

MAX_TEXT = 100_000  # characters kept from one attachment


@dataclass(frozen=True)
class ReadResult:
    text: str
    language: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class Unreadable(Exception):
    """The file holds nothing this reader can read; ``str(exc)`` says why."""


Reader = Callable[[Path], ReadResult]
Finder = Callable[[str], list[str]]
READERS: dict[str, Reader] = {}
ORDER_FINDERS: list[Finder] = []
TRACKING_FINDERS: list[Finder] = []


def register(kind: str, reader: Reader) -> None:
    """Read attachments of ``kind`` (image, audio, text) with ``reader`` from now on."""
    READERS[kind] = reader


def reader_for(kind: str) -> Reader | None:
    return READERS.get(kind)


def register_finder(finder: Finder, *, tracking: bool = False) -> None:
    (TRACKING_FINDERS if tracking else ORDER_FINDERS).append(finder)


def read_text_file(path: Path) -> ReadResult:
    """A plain-text attachment (checked as UTF-8 on upload): its text and language."""
    text = path.read_text(encoding="utf-8", errors="replace")[:MAX_TEXT]
    if not text.strip():
        raise Unreadable(_("The text file holds no words."))
    return ReadResult(text, detect_language(text), {"reader": "text", "characters": len(text)})


# The shop's order numbers (``SO-00001234``, as the PII finder keeps them visible) and the
# common carriers' tracking numbers (UPS 1Z…, S10 postal ids, long all-digit waybills).
_ORDER = re.compile(r"(?<![A-Za-z0-9])SO[-\s]?(\d{4,10})(?![0-9])", re.IGNORECASE)
_TRACKING = re.compile(r"\b(1Z[0-9A-Z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|\d{12,22})\b")


def find_order_numbers(text: str) -> list[str]:
    """``SO-1234`` as written and as the shop numbers it (``SO-00001234``)."""
    found = []
    for m in _ORDER.finditer(text):
        found += [f"SO-{m.group(1)}", f"SO-{int(m.group(1)):08d}"]
    return list(dict.fromkeys(found))


def find_tracking_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in _TRACKING.finditer(text)))


def numbers_in(text: str) -> tuple[list[str], list[str]]:
    """Order and tracking numbers every finder recognises in ``text``, each once, in order."""
    orders = [n for finder in [find_order_numbers, *ORDER_FINDERS] for n in finder(text)]
    tracking = [n for finder in [find_tracking_numbers, *TRACKING_FINDERS] for n in finder(text)]
    return list(dict.fromkeys(orders)), list(dict.fromkeys(tracking))


register("text", read_text_file)
