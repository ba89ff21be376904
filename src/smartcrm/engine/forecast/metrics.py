"""Scale-free accuracy (MASE) and interval coverage, as in Hyndman & Koehler (2006)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.ArrayLike


def seasonal_naive_scale(train: Array, season_length: int) -> float:
    """In-sample mean absolute error of the seasonal naive forecast (lag ``season_length``)."""
    y = np.asarray(train, dtype=float)
    m = season_length if len(y) > season_length else 1
    diffs = np.abs(y[m:] - y[:-m])
    scale = float(np.mean(diffs)) if diffs.size else 0.0
    if scale == 0.0 or not np.isfinite(scale):
        # a constant training series: fall back to the mean level so the ratio stays finite
        scale = float(np.mean(np.abs(y))) or 1.0
    return scale


def mase(actual: Array, predicted: Array, train: Array, season_length: int) -> float:
    """Holdout MAE divided by the in-sample seasonal naive MAE."""
    a = np.asarray(actual, dtype=float)
    p = np.asarray(predicted, dtype=float)
    return float(np.mean(np.abs(a - p)) / seasonal_naive_scale(train, season_length))


def coverage(actual: Array, lo: Array, hi: Array) -> float:
    """Share of actual values inside [lo, hi]."""
    a = np.asarray(actual, dtype=float)
    return float(np.mean((a >= np.asarray(lo, dtype=float)) & (a <= np.asarray(hi, dtype=float))))
