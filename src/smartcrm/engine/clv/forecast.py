"""The purchase forecasters the default is chosen from, and how each gives one number per customer.

- ``bgnbd``, ``paretonbd``: the models' conditional expectation (the mean);
- ``bgnbd-gbm``: BG/NBD's mean times a learnt per-customer correction (``corrected.py``);
- ``past-rate``: the naive baseline, each customer's past repeat rate × horizon;
- ``bgnbd-median``, ``paretonbd-median``: the median of the predictive distribution. It
  minimises per-customer absolute error, but most customers' median is 0, so its sum falls
  far short of the total (773 against 1,882 on CDNOW). It stays a labelled option, never the
  default: the default is summed into forecasts and ranks customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcrm.engine.clv._validation import purchase_arrays
from smartcrm.engine.clv.bgnbd import BetaGeoModel
from smartcrm.engine.clv.corrected import CorrectedBetaGeoModel
from smartcrm.engine.clv.paretonbd import ParetoNBDModel

DistributionModel = BetaGeoModel | ParetoNBDModel
PurchaseModel = BetaGeoModel | ParetoNBDModel | CorrectedBetaGeoModel
PARAMETRIC: dict[str, type[BetaGeoModel] | type[ParetoNBDModel]] = {
    "bgnbd": BetaGeoModel,
    "paretonbd": ParetoNBDModel,
}
MODEL_CLASSES: dict[str, type[BetaGeoModel] | type[ParetoNBDModel] | type[CorrectedBetaGeoModel]] = {
    **PARAMETRIC,
    "bgnbd-gbm": CorrectedBetaGeoModel,
}
POINTS = ("mean", "median")


class PastRateModel:
    """Naive baseline: repeat purchases per unit of time since the first purchase, × horizon."""

    customers_: int

    def fit(self, frame: pd.DataFrame) -> PastRateModel:
        self.customers_ = len(purchase_arrays(frame)[0])
        return self

    def expected_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        x, _, big_t = purchase_arrays(frame)
        return np.where(big_t > 0, x / np.where(big_t > 0, big_t, 1.0), 0.0) * horizon


def median_purchases(model: DistributionModel, frame: pd.DataFrame, horizon: float) -> np.ndarray:
    """Smallest y with P(Y <= y | history) >= 1/2, for each customer."""
    # Markov's inequality: P(Y >= 2 * mean) <= 1/2, so the median is at most 2 * mean + 1.
    mean = model.expected_purchases(frame, horizon)
    max_count = int(np.ceil(2.0 * float(mean.max(initial=0.0)))) + 2
    cumulative = np.cumsum(model.purchase_distribution(frame, horizon, max_count), axis=1)
    return (cumulative >= 0.5).argmax(axis=1).astype(float)


@dataclass(frozen=True)
class Candidate:
    """A purchase forecaster and how its distribution is turned into one number."""

    family: str
    point: str = "mean"

    @property
    def name(self) -> str:
        return self.family if self.point == "mean" else f"{self.family}-{self.point}"

    @property
    def needs_split(self) -> bool:
        """True when fitting needs a time split inside the calibration window."""
        return self.family == "bgnbd-gbm"

    def fit(self, frame: pd.DataFrame, split: pd.DataFrame | None = None) -> PurchaseModel | PastRateModel:
        if self.family == "past-rate":
            return PastRateModel().fit(frame)
        if self.family == "bgnbd-gbm":
            if split is None:
                raise ValueError("bgnbd-gbm needs a training split (selection.training_split)")
            return CorrectedBetaGeoModel().fit(frame, split)
        return PARAMETRIC[self.family]().fit(frame)

    def predict(
        self, model: PurchaseModel | PastRateModel, frame: pd.DataFrame, horizon: float
    ) -> np.ndarray:
        if self.point == "median":
            if not isinstance(model, BetaGeoModel | ParetoNBDModel):
                raise ValueError(f"{self.family} has no predictive distribution, so no median")
            return median_purchases(model, frame, horizon)
        return model.expected_purchases(frame, horizon)


CANDIDATES = (
    Candidate("bgnbd"),
    Candidate("paretonbd"),
    Candidate("bgnbd-gbm"),
    Candidate("past-rate"),
    Candidate("bgnbd", "median"),
    Candidate("paretonbd", "median"),
)
