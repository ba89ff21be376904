"""Who is persuadable: an uplift model trained on past campaigns' treated and held-out customers.

Two meta-learners on LightGBM (Künzel, Sekhon, Bickel & Yu 2019, "Metalearners for estimating
heterogeneous treatment effects using machine learning", PNAS 116(10)):

* **T-learner**: one classifier of conversion on the treated, one on the control group; the
  uplift of a customer is the difference of the two predicted probabilities.
* **X-learner**: the same two outcome models, then each group's *imputed* effects — for a
  treated customer its outcome minus the control model's prediction, for a control customer
  the treated model's prediction minus its outcome — each learnt by a regressor, and the two
  effect models blended by the treatment share ``e``: ``τ(x) = e·τ₀(x) + (1 − e)·τ₁(x)``.
  Campaign holdouts are randomised (a stable hash, :mod:`.holdout`), so the propensity is the
  constant share treated rather than a fitted model.

``learner="auto"`` picks between them by the Qini coefficient of out-of-fold predictions in a
``cv``-fold split of the training data only (folds stratified by group and outcome), then refits
the winner on all of it. No Django.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.model_selection import StratifiedKFold

from smartcrm.engine.uplift.metrics import qini_coefficient

LEARNERS = ("t", "x")
MODEL_TYPE = "smartcrm.UpliftModel"
FORMAT_VERSION = 1


class UpliftModel:
    """``fit(X, treatment, y)`` on one campaign's (or several like campaigns') customers;
    ``predict_uplift(X)``: the expected rise in conversion probability if contacted."""

    def __init__(
        self,
        learner: str = "auto",
        *,
        cv: int = 3,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        random_state: int = 0,
    ) -> None:
        self.learner = learner
        self.cv = cv
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.random_state = random_state

    def _params(self) -> dict[str, Any]:
        return {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
            "random_state": self.random_state,
            "verbose": -1,
        }

    def fit(self, X: npt.ArrayLike, treatment: npt.ArrayLike, y: npt.ArrayLike) -> UpliftModel:
        x, t, yy = _check(X, treatment, y)
        if self.learner not in (*LEARNERS, "auto"):
            raise ValueError(f"learner must be one of {LEARNERS} or 'auto', not {self.learner!r}")
        if self.learner == "auto":
            self.cv_qini_ = self._cross_validate(x, t, yy)
            self.learner_ = max(LEARNERS, key=lambda name: self.cv_qini_[name])
        else:
            self.cv_qini_ = {}
            self.learner_ = self.learner
        self.models_ = self._fit_learner(self.learner_, x, t, yy)
        self.treatment_share_ = float(t.mean())
        self.n_features_in_ = x.shape[1]
        return self

    def predict_uplift(self, X: npt.ArrayLike) -> np.ndarray:
        """Per customer: P(convert | contacted) − P(convert | left alone), estimated."""
        x = np.asarray(X, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features per row")
        return _predict(self.learner_, self.models_, x)

    def _fit_learner(self, learner: str, x: np.ndarray, t: np.ndarray, y: np.ndarray) -> dict[str, Any]:
        """The learner's LightGBM boosters (a binary booster predicts the probability)."""
        params = self._params()
        treated = LGBMClassifier(**params).fit(x[t], y[t]).booster_
        control = LGBMClassifier(**params).fit(x[~t], y[~t]).booster_
        models: dict[str, Any] = {"treated": treated, "control": control}
        if learner == "x":
            share = float(t.mean())
            effect_treated = y[t] - _positive(control, x[t])
            effect_control = _positive(treated, x[~t]) - y[~t]
            models["tau_treated"] = LGBMRegressor(**params).fit(x[t], effect_treated).booster_
            models["tau_control"] = LGBMRegressor(**params).fit(x[~t], effect_control).booster_
            models["share"] = share
        return models

    # ------------------------------------------------------------------ persistence
    def to_bytes(self) -> bytes:
        """JSON document: type, format version, parameters, the learner chosen and its boosters."""
        if not hasattr(self, "models_"):
            raise ValueError("this UpliftModel is not fitted yet")
        document = {
            "type": MODEL_TYPE,
            "format_version": FORMAT_VERSION,
            "lightgbm_version": version("lightgbm"),
            "params": {"learner": self.learner, "cv": self.cv} | self._params_of_init(),
            "learner": self.learner_,
            "cv_qini": self.cv_qini_,
            "treatment_share": self.treatment_share_,
            "n_features_in": self.n_features_in_,
            "share": self.models_.get("share"),
            "boosters": {
                name: model.model_to_string() for name, model in self.models_.items() if name != "share"
            },
        }
        return json.dumps(document).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> UpliftModel:
        """Read a saved model; anything else (another type, another format version) is refused."""
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError("not a saved UpliftModel (expected a JSON document)") from exc
        if not isinstance(document, dict) or document.get("type") != MODEL_TYPE:
            raise ValueError("not a saved UpliftModel")
        if document.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"saved UpliftModel has format version {document.get('format_version')!r}; "
                f"this code reads version {FORMAT_VERSION}"
            )
        params = dict(document["params"])
        model = cls(params.pop("learner"), **params)
        model.learner_ = str(document["learner"])
        model.cv_qini_ = {str(k): float(v) for k, v in document["cv_qini"].items()}
        model.treatment_share_ = float(document["treatment_share"])
        model.n_features_in_ = int(document["n_features_in"])
        model.models_ = {name: lgb.Booster(model_str=text) for name, text in document["boosters"].items()}
        if document.get("share") is not None:
            model.models_["share"] = float(document["share"])
        return model

    def _params_of_init(self) -> dict[str, Any]:
        return {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "random_state": self.random_state,
        }

    def _cross_validate(self, x: np.ndarray, t: np.ndarray, y: np.ndarray) -> dict[str, float]:
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        strata = 2 * t.astype(int) + y.astype(int)
        out_of_fold = {name: np.zeros(len(y)) for name in LEARNERS}
        for train, test in folds.split(x, strata):
            for name in LEARNERS:
                models = self._fit_learner(name, x[train], t[train], y[train])
                out_of_fold[name][test] = _predict(name, models, x[test])
        return {name: qini_coefficient(y, t, out_of_fold[name]) for name in LEARNERS}


def _positive(model: lgb.Booster, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x))


def _predict(learner: str, models: dict[str, Any], x: np.ndarray) -> np.ndarray:
    if learner == "t":
        return _positive(models["treated"], x) - _positive(models["control"], x)
    share = models["share"]
    tau_treated = np.asarray(models["tau_treated"].predict(x))
    tau_control = np.asarray(models["tau_control"].predict(x))
    return share * tau_control + (1 - share) * tau_treated


def _check(X: npt.ArrayLike, treatment: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, ...]:
    x = np.asarray(X, dtype=float)
    t = np.asarray(treatment).astype(bool)
    yy = np.asarray(y).astype(int)
    if x.ndim != 2 or not (len(x) == len(t) == len(yy)):
        raise ValueError("X must be 2-D with one row per treatment flag and outcome")
    if not set(np.unique(yy)) <= {0, 1}:
        raise ValueError("y must be 0/1 conversions")
    for group, name in ((t, "treated"), (~t, "control")):
        if group.sum() < 2 or len(np.unique(yy[group])) < 2:
            raise ValueError(f"the {name} group needs both converters and non-converters")
    return x, t, yy
