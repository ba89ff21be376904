"""How a forecast of per-customer holdout totals is judged: as a shop uses it.

A shop sums the forecast (aggregate ``bias``), reads it per customer (``rmse``, ``mae``) and
ranks customers by it (``spearman``, ``pearson``, ``top20_capture``: the share of the actual
holdout total made by the fifth of customers the forecast ranks highest).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.stats import spearmanr

TOP_SHARE = 0.2


def _correlation(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def top_capture(predicted: np.ndarray, actual: np.ndarray, share: float = TOP_SHARE) -> float | None:
    """Share of ``actual.sum()`` made by the ``share`` of customers with the highest forecast.

    Ties in the forecast are broken by customer order (a stable sort), never by the actual value.
    """
    total = float(actual.sum())
    if total <= 0 or len(actual) == 0:
        return None
    top = np.argsort(-predicted, kind="stable")[: math.ceil(share * len(actual))]
    return float(actual[top].sum()) / total


def forecast_scores(predicted: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    """Aggregate bias (predicted total / actual total - 1), error and ranking figures."""
    predicted, actual = np.asarray(predicted, dtype=float), np.asarray(actual, dtype=float)
    if predicted.shape != actual.shape:
        raise ValueError(f"predicted {predicted.shape} and actual {actual.shape} differ in shape")
    total, real = float(predicted.sum()), float(actual.sum())
    varied = len(actual) > 1 and np.std(predicted) > 0 and np.std(actual) > 0
    pearson = _correlation(float(np.corrcoef(predicted, actual)[0, 1])) if varied else None
    spearman = _correlation(float(spearmanr(predicted, actual).statistic)) if varied else None
    capture = top_capture(predicted, actual)
    return {
        "holdout_predicted": round(total, 3),
        "holdout_actual": round(real, 3),
        "bias": round(total / real - 1.0, 4) if real > 0 else None,
        "mae": round(float(np.mean(np.abs(predicted - actual))), 4),
        "rmse": round(float(np.sqrt(np.mean((predicted - actual) ** 2))), 4),
        "pearson": pearson,
        "corr": pearson,
        "spearman": spearman,
        "top20_capture": None if capture is None else round(capture, 4),
    }
