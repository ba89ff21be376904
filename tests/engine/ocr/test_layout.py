"""Reading order from box geometry alone (no model): rows of a turned photo stay rows."""

from __future__ import annotations

import math

import pytest

from smartcrm.engine.ocr.layout import reading_rows
from smartcrm.engine.ocr.reader import OcrLine

# A receipt: a label at the left margin, its amount right-aligned 500 px further, 20-px text on
# rows 34 px apart (the renderer's spacing), a title row with one wide box.
RECEIPT = [
    [("ACME HOME GOODS", 40, 260)],
    [("Receipt #24838", 40, 230), ("2026-12-27 19:41", 420, 640)],
    [("Desk lamp x1", 40, 200), ("$108.31", 540, 640)],
    [("Kitchen scale x2", 40, 250), ("$49.90", 552, 640)],
    [("Subtotal", 40, 150), ("$158.21", 540, 640)],
    [("Tax 8%", 40, 130), ("$12.66", 552, 640)],
    [("Total", 40, 110), ("$170.87", 540, 640)],
]
TEXT_HEIGHT, ROW_STEP = 20.0, 34.0


def _turned(degrees: float, shear: float = 0.0) -> list[OcrLine]:
    """The receipt's boxes turned by ``degrees`` about the page's centre; ``shear`` adds a
    perspective-like change of slope down the page (radians per row)."""
    lines = []
    for r, row in enumerate(RECEIPT):
        angle = math.radians(degrees) + shear * r
        cos, sin = math.cos(angle), math.sin(angle)
        for text, left, right in row:
            top = 40 + r * ROW_STEP
            corners = ((left, top), (right, top), (right, top + TEXT_HEIGHT), (left, top + TEXT_HEIGHT))
            box = tuple(
                (340 + cos * (x - 340) - sin * (y - 160), 160 + sin * (x - 340) + cos * (y - 160))
                for x, y in corners
            )
            lines.append(OcrLine(text=text, box=box, confidence=0.99))  # type: ignore[arg-type]
    return lines[::-1]  # the model's order is not the reading order


def _rows(lines: list[OcrLine]) -> list[list[str]]:
    return [[line.text for line in row] for row in reading_rows(lines)]


EXPECTED = [[text for text, _, _ in row] for row in RECEIPT]


@pytest.mark.parametrize("degrees", [0.0, 2.0, -3.0, 4.0, -6.0])
def test_a_turned_receipt_keeps_each_amount_on_its_labels_row(degrees: float) -> None:
    # At 4 degrees the amount 500 px to the right sits 35 px lower: more than a row apart.
    assert _rows(_turned(degrees)) == EXPECTED


def test_a_photo_whose_slope_changes_down_the_page_keeps_its_rows() -> None:
    assert _rows(_turned(3.0, shear=math.radians(-0.8))) == EXPECTED


def test_no_boxes_no_rows() -> None:
    assert reading_rows([]) == []
