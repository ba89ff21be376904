"""Prediction intervals calibrated on the rolling-origin forecasts inside the training part.

The candidates' own intervals assume their model is right; on real series it rarely is, and
the 80% / 95% bands covered about half of the actual values on some public monthly series.
Each rolling origin of the ensemble's cross-validation already forecasts ``horizon`` known
values from the history before it, with the models' intervals; how far those actual values
fell from the combined forecast measures how wide the intervals must be (split conformal
prediction, with the rolling origins as the calibration set).

Rules (``rule`` argument; ``docs/models/forecast.md`` has the measured comparison):

* ``"scale"`` (default): one factor per series and level stretches or shrinks the model's
  own interval about the mean. The factor is the conformal quantile of each CV error in units
  of the model's half-width on its side, so the model keeps the shape (growth with the
  horizon, asymmetry of log fits) and the CV errors fix the size.
* ``"growth"``: ignore the model's width; the half-width at step ``h`` is ``q · √h`` with
  ``q`` the conformal quantile of ``|error| / √step`` over every CV point.
* ``"none"``: the models' intervals as they are.

A series without CV origins (too short) keeps the models' intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

RULES = ("scale", "growth", "none")
_TINY = 1e-9


def conformal_quantile(values: np.ndarray, level: float) -> float:
    """The ``ceil((n+1)·level)``-th smallest of ``n`` scores (capped at the largest): split conformal."""
    v = np.sort(np.asarray(values, dtype=float)[np.isfinite(values)])
    if v.size == 0:
        return float("nan")
    k = int(np.ceil((v.size + 1) * level / 100.0))
    return float(v[min(max(k, 1), v.size) - 1])


def _scores(cv: pd.DataFrame, rule: str, level: int) -> np.ndarray:
    err = cv["y"].to_numpy(dtype=float) - cv["mean"].to_numpy(dtype=float)
    if rule == "growth":
        return np.abs(err) / np.sqrt(cv["step"].to_numpy(dtype=float))
    upper = cv[f"hi_{level}"].to_numpy(dtype=float) - cv["mean"].to_numpy(dtype=float)
    lower = cv["mean"].to_numpy(dtype=float) - cv[f"lo_{level}"].to_numpy(dtype=float)
    half = np.where(err >= 0, upper, lower)
    return np.abs(err) / np.maximum(half, _TINY)


def fit_calibration(cv: pd.DataFrame, rule: str, levels: Sequence[int]) -> pd.DataFrame:
    """Per series and level, the calibrated quantity (a factor for ``scale``, ``q`` for ``growth``).

    ``cv`` holds the combined CV forecasts: ``unique_id, step, y, mean, lo_L, hi_L`` per level.
    Returns ``unique_id, level, value, n`` (``n`` = CV points used).
    """
    if rule not in RULES:
        raise ValueError(f"interval rule must be one of {', '.join(RULES)}")
    rows = []
    if rule != "none" and not cv.empty:
        rows = [
            {
                "unique_id": str(uid),
                "level": level,
                "value": conformal_quantile(_scores(g, rule, level), level),
                "n": len(g),
            }
            for uid, g in cv.groupby("unique_id")
            for level in levels
        ]
    return pd.DataFrame(rows, columns=["unique_id", "level", "value", "n"])


def apply_calibration(
    forecast: pd.DataFrame, calibration: pd.DataFrame, rule: str, levels: Sequence[int]
) -> pd.DataFrame:
    """The forecast with its ``lo_L, hi_L`` replaced where the series has a calibrated value."""
    out = forecast.copy()
    if rule == "none" or calibration.empty:
        return out
    step = out.groupby("unique_id").cumcount().to_numpy() + 1
    mean = out["mean"].to_numpy(dtype=float)
    for level in levels:
        table = calibration[calibration["level"] == level].set_index("unique_id")["value"]
        value = out["unique_id"].map(table).to_numpy(dtype=float)
        known = np.isfinite(value)
        lo = out[f"lo_{level}"].to_numpy(dtype=float)
        hi = out[f"hi_{level}"].to_numpy(dtype=float)
        if rule == "scale":
            new_lo, new_hi = mean - value * (mean - lo), mean + value * (hi - mean)
        else:
            half = value * np.sqrt(step)
            new_lo, new_hi = mean - half, mean + half
        out[f"lo_{level}"] = np.where(known, new_lo, lo)
        out[f"hi_{level}"] = np.where(known, new_hi, hi)
    return out
