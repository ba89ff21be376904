"""Choose the product's default purchase forecaster on calibration data only.

Rule: split the calibration window in time — the last third (capped at the holdout length)
becomes an inner holdout — fit every candidate on the earlier part, score per-customer MAE on
the inner holdout, and keep the lowest. The real holdout is never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcrm.engine.clv.forecast import CANDIDATES, Candidate, PurchaseModel
from smartcrm.engine.clv.summary import UNIT_DAYS, summarise_transactions


@dataclass(frozen=True)
class Selection:
    chosen: Candidate
    inner_cut: pd.Timestamp
    inner_mae: dict[str, float]


def inner_cut(transactions: pd.DataFrame, calibration_end: pd.Timestamp, holdout_days: float) -> pd.Timestamp:
    start = pd.to_datetime(transactions["date"]).min().normalize()
    span = (calibration_end - start).days
    inner_days = int(min(span / 3.0, holdout_days))
    if inner_days < 1:
        raise ValueError("the calibration window is too short for an inner validation split")
    return calibration_end - pd.Timedelta(days=inner_days)


def select_default(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_days: float,
    freq: str = "W",
) -> Selection:
    cal_end = pd.Timestamp(calibration_end).normalize()
    cut = inner_cut(transactions, cal_end, holdout_days)
    inner = summarise_transactions(transactions, cut, cal_end, freq=freq)
    horizon = (cal_end - cut).days / UNIT_DAYS[freq]
    actual = inner["frequency_holdout"].to_numpy(dtype=float)
    scores: dict[str, float] = {}
    fitted: dict[str, PurchaseModel] = {}
    for option in CANDIDATES:
        if option.family not in fitted:
            fitted[option.family] = option.fit(inner)
        predicted = option.predict(fitted[option.family], inner, horizon)
        scores[option.name] = float(np.mean(np.abs(predicted - actual)))
    best = min(CANDIDATES, key=lambda option: scores[option.name])
    return Selection(chosen=best, inner_cut=cut, inner_mae=scores)
