"""Reading order and language of OCR output (plain Python, no model)."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartcrm.engine.ocr.reader import OcrLine

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A word: capitalised or lower case ("Total", "paid"), or three capitals or more ("SHIP"); a
# prefix of two capitals ("SO" of SO-00012345) is a code, not language.
_LATIN_WORD = re.compile(r"\b(?:[A-Za-z][a-z]+|[A-Z]{3,})\b")


def reading_rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Boxes grouped into visual rows, top to bottom, each row left to right.

    A receipt puts "Total" and "$45.99" in two boxes at the two ends of one row; they belong on
    one line of text. In a photo turned a few degrees the amount sits a whole row higher or lower
    than its label (4 degrees over 400 px is 28 px, more than a row of 20-px text), so boxes are
    not compared by their raw heights. Each row follows its own baseline instead: a box joins
    the row with a box whose centre line, extended along the slope of the wider of the two
    boxes (the text's direction there, which perspective bends from one part of the page to
    another), passes within half a text height of the other's centre. Rows, and the boxes of
    each row, are then ordered in coordinates turned by the page's skew (the median slope of
    the wide boxes).
    """
    if not lines:
        return []
    shapes = [_Shape.of(line) for line in lines]
    skew = _page_skew(shapes)
    cos, sin = math.cos(skew), math.sin(skew)

    def across(shape: _Shape) -> float:  # distance down the page, perpendicular to the text
        return -sin * shape.cx + cos * shape.cy

    def along(shape: _Shape) -> float:  # distance along the text
        return cos * shape.cx + sin * shape.cy

    rows: list[list[_Shape]] = []
    for shape in sorted(shapes, key=across):
        best, best_offset = None, math.inf
        for row in rows:
            offset = min(_offset(member, shape, skew) for member in row)
            if offset < best_offset:
                best, best_offset = row, offset
        if best is not None and best_offset <= 0.5 * min(shape.height, max(m.height for m in best)):
            best.append(shape)
        else:
            rows.append([shape])
    rows.sort(key=lambda row: across(max(row, key=lambda m: m.width)))
    return [[member.line for member in sorted(row, key=along)] for row in rows]


@dataclass(frozen=True)
class _Shape:
    """A box's centre, size and slope (radians, from its top and bottom edges)."""

    line: OcrLine
    cx: float
    cy: float
    width: float
    height: float
    slope: float

    @classmethod
    def of(cls, line: OcrLine) -> _Shape:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.box  # clockwise from the top left
        dx, dy = (x1 - x0) + (x2 - x3), (y1 - y0) + (y2 - y3)
        width = math.hypot(dx, dy) / 2
        height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
        return cls(line, (x0 + x1 + x2 + x3) / 4, (y0 + y1 + y2 + y3) / 4, width, max(height, 1.0),
                   math.atan2(dy, dx) if width > 0 else 0.0)  # fmt: skip

    @property
    def wide(self) -> bool:
        """Wide enough for its slope to be read off it (not from a short box like "$9.99")."""
        return self.width >= 3 * self.height


def _offset(a: _Shape, b: _Shape, skew: float) -> float:
    """How far ``b``'s centre lies from the centre line of ``a`` extended (or the other way
    round), along the slope of the wider of the two, or the page's when neither is wide."""
    anchor, other = (a, b) if a.width >= b.width else (b, a)
    slope = anchor.slope if anchor.wide else skew
    return abs(anchor.cy + math.tan(slope) * (other.cx - anchor.cx) - other.cy)


def _page_skew(shapes: list[_Shape]) -> float:
    wide = [s.slope for s in shapes if s.wide] or [s.slope for s in shapes]
    return statistics.median(wide)


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
