"""BG/NBD corrected per customer by a Poisson gradient-boosted model on RFM features.

BG/NBD gives every customer an expected purchase count from frequency, recency and T alone.
The correction learns, on a time split *inside* the calibration window, how far each
customer's actual purchases run above or below that expectation: LightGBM with a Poisson
objective and log(BG/NBD expectation) as the offset, so the trees model the ratio
actual / expected. The ratio does not depend on the horizon, which lets a correction learnt
on a short inner window (13 weeks on CDNOW) be applied to a longer one (39 weeks). The
features are horizon-free too (rates, P(alive), the posterior purchase rate), so the
corrected forecast is still cumulative: longer horizons never predict fewer purchases.
"""

from __future__ import annotations

from typing import Any, ClassVar

import lightgbm as lgb
import numpy as np
import pandas as pd

from smartcrm.engine.clv._validation import check_saved_header, purchase_arrays, spend_arrays
from smartcrm.engine.clv.base import NotFittedError
from smartcrm.engine.clv.bgnbd import BetaGeoModel

FEATURES = (
    "frequency",
    "monetary_value",
    "recency_share",
    "past_rate",
    "probability_alive",
    "log_posterior_rate",
)
FLOOR = 1e-9


def correction_features(base: BetaGeoModel, frame: pd.DataFrame) -> np.ndarray:
    """Horizon-free features: RFM, their ratios, P(alive) and E[rate | alive, history] from BG/NBD."""
    x, t_x, big_t = purchase_arrays(frame)
    _, monetary = spend_arrays(frame)
    r, alpha = base.params_["r"], base.params_["alpha"]
    alive = base.probability_alive(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(big_t > 0, t_x / big_t, 0.0)
        rate = np.where(big_t > 0, x / big_t, 0.0)
    posterior_rate = alive * (r + x) / (alpha + big_t)
    columns = (x, monetary, share, rate, alive, np.log(posterior_rate + FLOOR))
    return np.column_stack(columns)


class CorrectedBetaGeoModel:
    """BG/NBD times exp(boosted correction); ``fit(frame, split)`` learns the correction on ``split``.

    ``split`` is the per-customer summary at an earlier cut inside the calibration window with
    ``frequency_holdout`` and ``duration_holdout`` counting the purchases from that cut to the end
    of ``frame``'s window (see ``selection.training_split``). The trees are few and small with
    large leaves, and the factor is capped to [1 / max_factor, max_factor] so the correction can
    never run away from BG/NBD. The hyperparameters were chosen by RMSE on CDNOW's inner split
    (docs/models/clv.md).
    """

    MODEL_TYPE: ClassVar[str] = "bgnbd_gbm"
    VERSION: ClassVar[int] = 1

    base_: BetaGeoModel
    booster_: lgb.Booster

    def __init__(
        self,
        n_estimators: int = 60,
        learning_rate: float = 0.03,
        num_leaves: int = 4,
        min_child_samples: int = 150,
        max_factor: float = 2.0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.max_factor = max_factor

    def _params(self) -> dict[str, Any]:
        return {
            "objective": "poisson",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "lambda_l2": 1.0,
            "feature_fraction": 1.0,
            "num_threads": 1,
            "deterministic": True,
            "seed": 0,
            "verbose": -1,
        }

    def fit(self, frame: pd.DataFrame, split: pd.DataFrame) -> CorrectedBetaGeoModel:
        if self.max_factor < 1.0:
            raise ValueError("max_factor must be at least 1")
        for column in ("frequency_holdout", "duration_holdout"):
            if column not in split.columns:
                raise ValueError(f"the training split needs column '{column}' (see training_split)")
        if len(split) < 2 * self.min_child_samples:
            raise ValueError(f"the training split has {len(split)} customers; the correction needs more")
        inner = BetaGeoModel().fit(split)
        horizon = float(split["duration_holdout"].iloc[0])
        offset = np.log(inner.expected_purchases(split, horizon) + FLOOR)
        data = lgb.Dataset(
            correction_features(inner, split),
            label=split["frequency_holdout"].to_numpy(dtype=float),
            init_score=offset,
            feature_name=list(FEATURES),
            free_raw_data=True,
        )
        self.booster_ = lgb.train(self._params(), data, num_boost_round=self.n_estimators)
        self.base_ = BetaGeoModel().fit(frame)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFittedError("CorrectedBetaGeoModel is not fitted yet: call fit(frame, split) first")

    def correction(self, frame: pd.DataFrame) -> np.ndarray:
        """The per-customer factor applied to BG/NBD's expected purchases (1 = no change)."""
        self._check_fitted()
        raw = np.asarray(self.booster_.predict(correction_features(self.base_, frame), raw_score=True))
        return np.clip(np.exp(raw), 1.0 / self.max_factor, self.max_factor)

    def expected_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        self._check_fitted()
        return self.base_.expected_purchases(frame, horizon) * self.correction(frame)

    def probability_alive(self, frame: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self.base_.probability_alive(frame)

    # --- saved form: LightGBM's own text format, parsed (never unpickled) on load ---------------
    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {
            "model_type": self.MODEL_TYPE,
            "version": self.VERSION,
            "hyperparameters": {
                "n_estimators": self.n_estimators,
                "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves,
                "min_child_samples": self.min_child_samples,
                "max_factor": self.max_factor,
            },
            "base": self.base_.to_dict(),
            "booster": self.booster_.model_to_string(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorrectedBetaGeoModel:
        check_saved_header(data, cls.MODEL_TYPE, (cls.VERSION,))
        if not isinstance(data.get("booster"), str):
            raise ValueError(f"saved {cls.MODEL_TYPE} has no booster text")
        model = cls(**data.get("hyperparameters", {}))
        model.base_ = BetaGeoModel.from_dict(data["base"])
        model.booster_ = lgb.Booster(model_str=data["booster"])
        if model.booster_.feature_name() != list(FEATURES):
            raise ValueError(f"saved {cls.MODEL_TYPE} was trained on other features")
        return model
