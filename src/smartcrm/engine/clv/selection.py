"""Choose the product's default purchase forecaster on calibration data only.

Rule: the last third of the calibration window (capped at the holdout length) becomes an
inner holdout. Every candidate is fitted on the earlier part (the learnt correction on a
second split nested inside it) and scored on the inner holdout. A candidate whose summed
forecast is off the inner total by more than ``MAX_BIAS`` is out — a shop sums the default
into forecasts — and so is every median (it is not a quantity to sum); of the rest the lowest
per-customer RMSE wins. The real holdout is never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.clv.forecast import CANDIDATES, Candidate, PastRateModel, PurchaseModel
from smartcrm.engine.clv.metrics import forecast_scores
from smartcrm.engine.clv.summary import summarise_transactions

MAX_BIAS = 0.10


@dataclass(frozen=True)
class Selection:
    chosen: Candidate
    inner_cut: pd.Timestamp
    inner_scores: dict[str, dict[str, Any]]


def inner_cut(transactions: pd.DataFrame, calibration_end: pd.Timestamp, holdout_days: float) -> pd.Timestamp:
    start = pd.to_datetime(transactions["date"]).min().normalize()
    span = (calibration_end - start).days
    inner_days = int(min(span / 3.0, holdout_days))
    if inner_days < 1:
        raise ValueError("the calibration window is too short for an inner validation split")
    return calibration_end - pd.Timedelta(days=inner_days)


def training_split(
    transactions: pd.DataFrame, end: str | pd.Timestamp, holdout_days: float, freq: str = "W"
) -> pd.DataFrame:
    """Summary at ``inner_cut`` with the purchases from there to ``end`` as its holdout columns."""
    end = pd.Timestamp(end).normalize()
    dated = transactions[pd.to_datetime(transactions["date"]) <= end]
    return summarise_transactions(dated, inner_cut(dated, end, holdout_days), end, freq=freq)


def choose(scores: dict[str, dict[str, Any]]) -> Candidate:
    """Lowest inner RMSE among eligible candidates; if none is eligible, the least biased mean.

    A candidate that could not be fitted has ``{"error": ...}`` as its scores and is skipped.
    """
    means = [c for c in CANDIDATES if c.point == "mean" and scores[c.name].get("bias") is not None]
    if not means:
        raise ValueError("no candidate could be scored on the inner split")
    kept = [c for c in means if abs(scores[c.name]["bias"]) <= MAX_BIAS]
    if kept:
        return min(kept, key=lambda c: scores[c.name]["rmse"])
    return min(means, key=lambda c: abs(scores[c.name]["bias"]))


Fitted = dict[str, PurchaseModel | PastRateModel | str]


def predict_all(
    frame: pd.DataFrame, split: pd.DataFrame | None, horizon: float
) -> tuple[dict[str, np.ndarray | str], Fitted]:
    """Every candidate's forecast for ``frame`` over ``horizon`` (or why it could not be fitted),
    and the fitted model of each family."""
    fitted: Fitted = {}
    out: dict[str, np.ndarray | str] = {}
    for option in CANDIDATES:
        if option.family not in fitted:
            try:
                fitted[option.family] = option.fit(frame, split if option.needs_split else None)
            except ValueError as exc:  # e.g. too few customers for the learnt correction
                fitted[option.family] = str(exc)
        model = fitted[option.family]
        out[option.name] = model if isinstance(model, str) else option.predict(model, frame, horizon)
    return out, fitted


def select_default(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_days: float,
    freq: str = "W",
) -> Selection:
    cal_end = pd.Timestamp(calibration_end).normalize()
    dated = transactions[pd.to_datetime(transactions["date"]) <= cal_end]
    cut = inner_cut(dated, cal_end, holdout_days)
    inner = summarise_transactions(dated, cut, cal_end, freq=freq)
    try:
        nested: pd.DataFrame | None = training_split(transactions, cut, holdout_days, freq=freq)
    except ValueError:  # too little history before the inner cut for a second split
        nested = None
    horizon = float(inner["duration_holdout"].iloc[0])
    actual = inner["frequency_holdout"].to_numpy(dtype=float)
    scores = {
        name: {"error": predicted} if isinstance(predicted, str) else forecast_scores(predicted, actual)
        for name, predicted in predict_all(inner, nested, horizon)[0].items()
    }
    return Selection(chosen=choose(scores), inner_cut=cut, inner_scores=scores)
