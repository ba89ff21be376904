"""The named RFM segments: the widely used 11-segment map over R and F (or FM) scores, 1–5.

Each segment owns a set of cells of the 5×5 grid of (R score, F score); together they cover
all 25 cells exactly once, so every customer gets exactly one segment. Rows read
"R scores × F scores". ``F`` may be the frequency score or the rounded mean of the frequency
and monetary scores (``RFMSegmenter(segment_on="fm")``).

| segment             | R     | F     |
|---------------------|-------|-------|
| champions           | 5     | 4–5   |
| loyal_customers     | 3–4   | 4–5   |
| potential_loyalists | 4–5   | 2–3   |
| new_customers       | 5     | 1     |
| promising           | 4     | 1     |
| need_attention      | 3     | 3     |
| about_to_sleep      | 3     | 1–2   |
| at_risk             | 1–2   | 3–4   |
| cant_lose           | 1–2   | 5     |
| hibernating         | 1–2   | 1–2 (not R1 F1) |
| lost                | 1     | 1     |
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from smartcrm.engine.wording import gettext_noop


@dataclass(frozen=True)
class RFMSegment:
    key: str
    title: str
    description: str
    cells: tuple[tuple[int, int], ...]  # (R score, F score) pairs on the 1–5 grid


def _cells(r: range | tuple[int, ...], f: range | tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    return tuple((ri, fi) for ri in r for fi in f)


SEGMENTS: tuple[RFMSegment, ...] = (
    RFMSegment(
        "champions",
        gettext_noop("Champions"),
        gettext_noop("Bought very recently, buy often and spend the most."),
        _cells((5,), (4, 5)),
    ),
    RFMSegment(
        "loyal_customers",
        gettext_noop("Loyal customers"),
        gettext_noop("Buy often and bought not long ago."),
        _cells((3, 4), (4, 5)),
    ),
    RFMSegment(
        "potential_loyalists",
        gettext_noop("Potential loyalists"),
        gettext_noop("Recent customers with a few orders who could become loyal."),
        _cells((4, 5), (2, 3)),
    ),
    RFMSegment(
        "new_customers",
        gettext_noop("New customers"),
        gettext_noop("Made their first order very recently."),
        _cells((5,), (1,)),
    ),
    RFMSegment(
        "promising",
        gettext_noop("Promising"),
        gettext_noop("Bought once, fairly recently, and have not come back yet."),
        _cells((4,), (1,)),
    ),
    RFMSegment(
        "need_attention",
        gettext_noop("Need attention"),
        gettext_noop("Middling recency and frequency: drifting away unless reminded."),
        _cells((3,), (3,)),
    ),
    RFMSegment(
        "about_to_sleep",
        gettext_noop("About to sleep"),
        gettext_noop("Bought once or twice, a while ago; will be lost without a nudge."),
        _cells((3,), (1, 2)),
    ),
    RFMSegment(
        "at_risk",
        gettext_noop("At risk"),
        gettext_noop("Used to buy fairly often but have not bought for a long time."),
        _cells((1, 2), (3, 4)),
    ),
    RFMSegment(
        "cant_lose",
        gettext_noop("Can't lose them"),
        gettext_noop("Were among the most frequent buyers but have not come back for a long time."),
        _cells((1, 2), (5,)),
    ),
    RFMSegment(
        "hibernating",
        gettext_noop("Hibernating"),
        gettext_noop("Few orders, and the last one was long ago."),
        ((1, 2), (2, 1), (2, 2)),
    ),
    RFMSegment(
        "lost",
        gettext_noop("Lost"),
        gettext_noop("One order or very few, the longest ago: the least likely to come back."),
        ((1, 1),),
    ),
)

BY_KEY = {s.key: s for s in SEGMENTS}


def segment_grid() -> npt.NDArray[np.int64]:
    """A 6×6 lookup (index 0 unused): ``grid[r, f]`` is the index of the segment in SEGMENTS."""
    grid = np.full((6, 6), -1, dtype=np.int64)
    for i, segment in enumerate(SEGMENTS):
        for r, f in segment.cells:
            if grid[r, f] != -1:
                raise AssertionError(f"RFM cell {r}{f} is claimed twice")
            grid[r, f] = i
    if (grid[1:, 1:] == -1).any():
        raise AssertionError("the RFM rule table leaves cells without a segment")
    return grid
