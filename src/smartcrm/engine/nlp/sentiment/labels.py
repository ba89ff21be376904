"""Sentiment labels: the three names, and conversions from what shops and data sets provide."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

LABELS = ("negative", "neutral", "positive")
_ALIASES = {
    "negative": "negative",
    "neg": "negative",
    "-1": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
    "+1": "positive",
}


def as_labels(values: Iterable[object]) -> np.ndarray:
    """Labels as names. Accepts names (any case), booleans, 0/1 (negative/positive) or -1/0/1.

    Raises ``ValueError`` naming the first row that is none of these.
    """
    series = pd.Series(list(values), dtype=object)
    numeric = pd.to_numeric(series, errors="coerce")
    if numeric.notna().all() and len(series):
        found = set(numeric.unique().tolist())
        if not found <= {-1, 0, 1}:
            raise ValueError(f"numeric sentiment labels must be 0/1 or -1/0/1; found {sorted(found)[:5]}")
        zero = "neutral" if -1 in found else "negative"
        mapping = {-1: "negative", 0: zero, 1: "positive"}
        return np.array([mapping[int(v)] for v in numeric], dtype=object)
    out = []
    for row, value in enumerate(series):
        name = _ALIASES.get(str(value).strip().lower())
        if name is None:
            raise ValueError(f"row {row}: {value!r} is not a sentiment label (negative/neutral/positive)")
        out.append(name)
    return np.array(out, dtype=object)


def labels_from_stars(stars: Iterable[object]) -> np.ndarray:
    """Star ratings as labels: 1–2 negative, 3 neutral, 4–5 positive (half stars round down).

    Raises ``ValueError`` naming the first row that is not a rating from 1 to 5.
    """
    out = []
    for row, value in enumerate(stars):
        try:
            rating = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            rating = float("nan")
        if not 1 <= rating <= 5:
            raise ValueError(f"row {row}: {value!r} is not a star rating from 1 to 5")
        out.append("negative" if rating < 3 else "neutral" if rating < 4 else "positive")
    return np.array(out, dtype=object)
