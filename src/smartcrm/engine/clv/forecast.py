"""Point forecasts of holdout purchase counts: the model's mean or the median of its distribution.

The conditional mean minimises squared error, but per-customer MAE is minimised by the
conditional *median*. Most customers in a sparse shop buy nothing in the next period, and the
median of their predictive distribution is 0 while the mean is a fraction, so the median cuts
MAE sharply. The models give the full distribution P(Y = y | history), so no tuning is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcrm.engine.clv.bgnbd import BetaGeoModel
from smartcrm.engine.clv.paretonbd import ParetoNBDModel

PurchaseModel = BetaGeoModel | ParetoNBDModel
MODEL_CLASSES: dict[str, type[BetaGeoModel] | type[ParetoNBDModel]] = {
    "bgnbd": BetaGeoModel,
    "paretonbd": ParetoNBDModel,
}
POINTS = ("mean", "median")


def median_purchases(model: PurchaseModel, frame: pd.DataFrame, horizon: float) -> np.ndarray:
    """Smallest y with P(Y <= y | history) >= 1/2, for each customer."""
    # Markov's inequality: P(Y >= 2 * mean) <= 1/2, so the median is at most 2 * mean + 1.
    mean = model.expected_purchases(frame, horizon)
    max_count = int(np.ceil(2.0 * float(mean.max(initial=0.0)))) + 2
    cumulative = np.cumsum(model.purchase_distribution(frame, horizon, max_count), axis=1)
    return (cumulative >= 0.5).argmax(axis=1).astype(float)


@dataclass(frozen=True)
class Candidate:
    """A purchase model family and how its distribution is turned into one number."""

    family: str
    point: str

    @property
    def name(self) -> str:
        return self.family if self.point == "mean" else f"{self.family}-{self.point}"

    def fit(self, frame: pd.DataFrame) -> PurchaseModel:
        return MODEL_CLASSES[self.family]().fit(frame)

    def predict(self, model: PurchaseModel, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        if self.point == "median":
            return median_purchases(model, frame, horizon)
        return model.expected_purchases(frame, horizon)


CANDIDATES = tuple(Candidate(family, point) for point in POINTS for family in MODEL_CLASSES)


def candidate(name: str) -> Candidate:
    for option in CANDIDATES:
        if option.name == name:
            return option
    raise ValueError(f"unknown CLV model {name!r}; choose from {[c.name for c in CANDIDATES]}")
