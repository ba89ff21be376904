"""The product's CLV model: a purchase model plus Gamma-Gamma for spend.

Purchase models: ``bgnbd-gbm`` (the default: BG/NBD corrected by a learnt per-customer factor,
chosen by ``selection.select_default`` on CDNOW), ``bgnbd`` and ``paretonbd``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from smartcrm.engine.clv._validation import check_saved_header
from smartcrm.engine.clv.base import NotFittedError
from smartcrm.engine.clv.corrected import CorrectedBetaGeoModel
from smartcrm.engine.clv.forecast import MODEL_CLASSES, PARAMETRIC, POINTS, Candidate, PurchaseModel
from smartcrm.engine.clv.gammagamma import GammaGammaModel


class LifetimeValueModel:
    """Expected purchases, P(alive), expected spend and discounted CLV per customer.

    ``purchases`` picks the purchase model; ``point`` says how ``predicted_purchases`` turns
    its distribution into one number: "mean" (the default, the one to sum or rank by) or
    "median" (least absolute error per customer, mostly 0; BG/NBD and Pareto/NBD only).
    Value (``customer_lifetime_value``) always uses the *expected* purchases: money adds up.
    ``bgnbd-gbm`` learns its correction from ``split`` (``selection.training_split``).

    Saved form version 2 adds ``bgnbd-gbm``; version 1 (BG/NBD or Pareto/NBD) still loads.
    """

    MODEL_TYPE: ClassVar[str] = "lifetime_value"
    VERSION: ClassVar[int] = 2
    READABLE_VERSIONS: ClassVar[tuple[int, ...]] = (1, 2)

    purchase_model_: PurchaseModel
    spend_model_: GammaGammaModel

    def __init__(self, purchases: str = "bgnbd-gbm", point: str = "mean") -> None:
        self.purchases = purchases
        self.point = point

    def fit(self, frame: pd.DataFrame, split: pd.DataFrame | None = None) -> LifetimeValueModel:
        if self.purchases not in MODEL_CLASSES:
            raise ValueError(f"purchases must be one of {sorted(MODEL_CLASSES)}, got {self.purchases!r}")
        if self.point not in POINTS:
            raise ValueError(f"point must be one of {POINTS}, got {self.point!r}")
        if self.point == "median" and self.purchases == "bgnbd-gbm":
            raise ValueError("bgnbd-gbm has no predictive distribution: use point='mean'")
        if self.purchases == "bgnbd-gbm":
            if split is None:
                raise ValueError("bgnbd-gbm needs a training split (selection.training_split)")
            self.purchase_model_ = CorrectedBetaGeoModel().fit(frame, split)
        else:
            self.purchase_model_ = PARAMETRIC[self.purchases]().fit(frame)
        self.spend_model_ = GammaGammaModel().fit(frame)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "purchase_model_"):
            raise NotFittedError("LifetimeValueModel is not fitted yet: call fit(frame) first")

    def expected_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        self._check_fitted()
        return self.purchase_model_.expected_purchases(frame, horizon)

    def predicted_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        """One-number forecast of each customer's purchase count (mean or median, per ``point``)."""
        self._check_fitted()
        return Candidate(self.purchases, self.point).predict(self.purchase_model_, frame, horizon)

    def probability_alive(self, frame: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self.purchase_model_.probability_alive(frame)

    def expected_spend(self, frame: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self.spend_model_.expected_spend(frame)

    def customer_lifetime_value(
        self,
        frame: pd.DataFrame,
        horizon: float,
        discount_rate: float = 0.0,
        margin: float = 1.0,
        step: float = 1.0,
    ) -> np.ndarray:
        """Discounted margin over ``horizon`` time units.

        The horizon is cut into steps of ``step`` units; the purchases expected in step k are
        valued at the expected spend times ``margin`` and discounted by (1 + discount_rate)^k,
        so ``discount_rate`` is per step (e.g. a monthly rate with monthly steps).
        """
        self._check_fitted()
        if horizon < 0 or step <= 0 or discount_rate <= -1 or not 0 <= margin <= 1:
            raise ValueError("need horizon >= 0, step > 0, discount_rate > -1 and 0 <= margin <= 1")
        spend = self.expected_spend(frame)
        ends = np.append(np.arange(step, horizon, step), horizon) if horizon > 0 else np.array([])
        value = np.zeros(len(frame))
        previous = np.zeros(len(frame))
        for k, end in enumerate(ends, start=1):
            cumulative = self.purchase_model_.expected_purchases(frame, float(end))
            value += (cumulative - previous) * spend * margin / (1.0 + discount_rate) ** k
            previous = cumulative
        return value

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {
            "model_type": self.MODEL_TYPE,
            "version": self.VERSION,
            "hyperparameters": {"purchases": self.purchases, "point": self.point},
            "purchase_model": self.purchase_model_.to_dict(),
            "spend_model": self.spend_model_.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LifetimeValueModel:
        check_saved_header(data, cls.MODEL_TYPE, cls.READABLE_VERSIONS)
        hyperparameters = data.get("hyperparameters", {})
        purchases, point = hyperparameters.get("purchases"), hyperparameters.get("point")
        if purchases not in MODEL_CLASSES or point not in POINTS:
            raise ValueError(f"saved {cls.MODEL_TYPE} has unknown hyperparameters {hyperparameters!r}")
        model = cls(purchases=str(purchases), point=str(point))
        model.purchase_model_ = MODEL_CLASSES[model.purchases].from_dict(data["purchase_model"])
        model.spend_model_ = GammaGammaModel.from_dict(data["spend_model"])
        return model
