"""Reading order and language of OCR output (plain Python, no model)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartcrm.engine.ocr.reader import OcrLine

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A word: capitalised or lower case ("Total", "paid"), or three capitals or more ("SHIP"); a
# prefix of two capitals ("SO" of SO-00012345) is a code, not language.
_LATIN_WORD = re.compile(r"\b(?:[A-Za-z][a-z]+|[A-Z]{3,})\b")


def reading_rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Boxes grouped into visual rows, top to bottom, each row left to right.

    A receipt puts "Total" and "$45.99" in two boxes on one row; they belong on one line of text.
    A box joins a row when its vertical centre lies inside the row's first box's span (so a
    photo turned a few degrees still groups its rows).
    """
    ordered = sorted(lines, key=lambda line: _span(line)[0])
    rows: list[tuple[tuple[float, float], list[OcrLine]]] = []
    for line in ordered:
        top, bottom = _span(line)
        centre = (top + bottom) / 2
        for (row_top, row_bottom), members in rows:
            if row_top <= centre <= row_bottom:
                members.append(line)
                break
        else:
            rows.append(((top, bottom), [line]))
    rows.sort(key=lambda row: sum(row[0]) / 2)
    return [sorted(members, key=lambda line: min(x for x, _ in line.box)) for _, members in rows]


def _span(line: OcrLine) -> tuple[float, float]:
    ys = [y for _, y in line.box]
    return min(ys), max(ys)


def detect_language(text: str) -> str:
    """``zh`` when Chinese characters make up 70% or more of the words (each Han character
    counting as one, each Latin word as one), ``en`` when under 10%,
    ``mixed`` between, ``unknown`` for no words (digits and codes alone say nothing)."""
    han = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if han + latin == 0:
        return "unknown"
    share = han / (han + latin)
    if share >= 0.7:
        return "zh"
    if share < 0.1:
        return "en"
    return "mixed"
