"""Map a raw log-odds score to a calibrated probability.

Fitted on out-of-fold scores from inside the training data (the model does this itself), never
on the data it will be evaluated on. ``sigmoid`` (Platt scaling) is strictly monotone, so it
keeps the ranking and the ROC-AUC of the raw score; ``isotonic`` is more flexible but needs more
rows and produces ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.isotonic import IsotonicRegression

METHODS = ("sigmoid", "isotonic")


@dataclass(frozen=True)
class Calibrator:
    method: str
    slope: float = 1.0
    offset: float = 0.0
    thresholds: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    @classmethod
    def fit(cls, score: np.ndarray, y: np.ndarray, method: str) -> Calibrator:
        if method == "sigmoid":
            target = y.astype(float)

            def loss(params: np.ndarray) -> float:
                z = params[0] * score + params[1]
                return float(-np.mean(target * log_expit(z) + (1 - target) * log_expit(-z)))

            result = minimize(loss, np.array([1.0, 0.0]), method="L-BFGS-B")
            return cls(method=method, slope=float(result.x[0]), offset=float(result.x[1]))
        if method == "isotonic":
            iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(score, y)
            return cls(
                method=method,
                thresholds=tuple(float(v) for v in iso.X_thresholds_),
                values=tuple(float(v) for v in iso.y_thresholds_),
            )
        raise ValueError(f"unknown calibration method {method!r}; expected one of {METHODS}")

    def probability(self, score: np.ndarray) -> np.ndarray:
        if self.method == "sigmoid":
            return np.asarray(expit(self.slope * score + self.offset), dtype=float)
        return np.interp(score, np.asarray(self.thresholds), np.asarray(self.values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "slope": self.slope,
            "offset": self.offset,
            "thresholds": list(self.thresholds),
            "values": list(self.values),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        return cls(
            method=data["method"],
            slope=float(data["slope"]),
            offset=float(data["offset"]),
            thresholds=tuple(data["thresholds"]),
            values=tuple(data["values"]),
        )


def reliability(y: np.ndarray, probability: np.ndarray, bins: int) -> list[dict[str, float | int]]:
    """Equal-width probability bins: rows, mean predicted probability and observed rate in each."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    table = []
    for b in range(bins):
        inside = index == b
        if not inside.any():
            continue
        table.append(
            {
                "lower": round(float(edges[b]), 3),
                "upper": round(float(edges[b + 1]), 3),
                "n": int(inside.sum()),
                "mean_predicted": round(float(probability[inside].mean()), 4),
                "observed": round(float(y[inside].mean()), 4),
            }
        )
    return table
