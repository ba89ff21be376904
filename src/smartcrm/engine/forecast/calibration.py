"""Prediction intervals calibrated on the rolling-origin forecasts inside the training part.

The candidates' own intervals assume their model is right; on real series it rarely is, and
the 80% / 95% bands covered about half of the actual values on some public monthly series.
Each rolling origin of the ensemble's cross-validation already forecasts ``horizon`` known
values from the history before it, with the models' intervals; how far those actual values
fell from the combined forecast measures how wide the intervals must be (split conformal
prediction, with the rolling origins as the calibration set).

Rules (``rule`` argument; ``docs/models/forecast.md`` has the measured comparison):

* ``"pooled"`` (default): one factor per level, shared by every series of the fit, stretches
  or shrinks each model interval about its mean. The factor is the conformal quantile of every
  CV error in units of the model's half-width on its side, pooled over the series, so each
  model keeps its shape (growth with the horizon, asymmetry of log fits, how much wider one
  series' band is than another's) and the CV errors of all series fix the size. Three origins
  of one series are few, and the errors within one origin move together: a factor per series
  caught a level shift or missed it, and its coverage was all or nothing per series.
* ``"scale"``: the same factor, computed per series from that series' CV errors alone.
* ``"growth"``: ignore the model's width; the half-width at step ``h`` is ``q · √h`` with
  ``q`` the conformal quantile of ``|error| / √step`` over every CV point.
* ``"none"``: the models' intervals as they are.

A series without CV origins (too short) keeps the models' intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

RULES = ("pooled", "scale", "growth", "none")
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
    # "scale" and "pooled": the error in units of the model's half-width on the error's side
    upper = cv[f"hi_{level}"].to_numpy(dtype=float) - cv["mean"].to_numpy(dtype=float)
    lower = cv["mean"].to_numpy(dtype=float) - cv[f"lo_{level}"].to_numpy(dtype=float)
    half = np.where(err >= 0, upper, lower)
    return np.abs(err) / np.maximum(half, _TINY)


def fit_calibration(cv: pd.DataFrame, rule: str, levels: Sequence[int]) -> pd.DataFrame:
    """Per series and level, the calibrated value (a factor for ``scale``/``pooled``, ``q`` for ``growth``).

    ``cv`` holds the combined CV forecasts: ``unique_id, step, y, mean, lo_L, hi_L`` per level.
    Returns ``unique_id, level, value, n`` (``n`` = CV points used; for ``pooled``, those of
    every series, and the same value on every series' row).
    """
    if rule not in RULES:
        raise ValueError(f"interval rule must be one of {', '.join(RULES)}")
    rows = []
    if rule == "pooled" and not cv.empty:
        pooled = {level: conformal_quantile(_scores(cv, rule, level), level) for level in levels}
        rows = [
            {"unique_id": str(uid), "level": level, "value": pooled[level], "n": len(cv)}
            for uid in cv["unique_id"].unique()
            for level in levels
        ]
    elif rule != "none" and not cv.empty:
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
        if rule in ("scale", "pooled"):
            new_lo, new_hi = mean - value * (mean - lo), mean + value * (hi - mean)
        else:
            half = value * np.sqrt(step)
            new_lo, new_hi = mean - half, mean + half
        out[f"lo_{level}"] = np.where(known, new_lo, lo)
        out[f"hi_{level}"] = np.where(known, new_hi, hi)
    return out
