"""A general propensity model for any labelled customer table.

The same machinery scores subscription churn, non-contractual churn (labels from
:mod:`.labels`), purchase propensity, upsell or lead scoring: give it a DataFrame of numeric
and categorical columns (missing values allowed) and a yes/no target.

How it scores, and why:

* two parts: a LightGBM tree model with native categoricals, whose category lists are frozen at
  fit time, and a regularised logistic regression on the same columns (see :mod:`.linear`);
* the raw score is a weighted mean of the two log-odds. Which trees and which weight is chosen
  per table by inner cross-validation over the candidates of :mod:`.candidates` (the careful
  blend, the linear part alone, trees with an untuned HistGradientBoosting's settings alone or
  blended), by ROC-AUC on the *training* data only; ties within noise go to the blend. So the
  default never settles for less than the plain baselines it includes, and on a table where
  interactions matter it can switch to stronger trees;
* on large tables the selection runs on a stratified sample of ``selection_rows`` rows;
* the probability is the chosen raw score calibrated (Platt by default) on out-of-fold raw
  scores from the same internal stratified split of the training data, so no evaluation row is
  ever touched.

Because the raw score is linear in the two parts, the per-column contributions (LightGBM's
``pred_contrib``, i.e. TreeSHAP, and the logistic regression's exact terms) blend into exact
per-column explanations of the raw score, whichever candidate is chosen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from smartcrm.engine.reasons import Reason, Rendered

from .calibration import METHODS, Calibrator
from .candidates import (
    BY_NAME,
    HISTGBM_PARAMS,
    HISTGBM_ROUNDS,
    Candidate,
    Trees,
    choose,
    resolve,
    weight_on_trees,
)
from .explain import MIN_CONTRIBUTION, Factor, explanation, rendered_explanations, strongest
from .linear import LinearPart
from .schema import FeatureSchema

MODEL_TYPE = "smartcrm.engine.propensity.PropensityModel"
FORMAT_VERSION = 2
Part = Literal["blend", "gbm", "linear"]
LINEAR = "linear"


class PropensityModel(BaseEstimator):
    """Probability that a customer does the thing in ``y`` (churns, buys, converts…).

    ``outcome`` names that thing in sentences ("Churn risk"); ``templates`` optionally phrase a
    column's value, e.g. ``{"recency_days": "no purchase for {value} days"}``. ``candidates``
    limits the inner selection to some of :data:`.candidates.CANDIDATES` (``None``: all);
    ``selection_rows`` bounds the rows it runs on.

    Learned: ``candidate_`` (the chosen candidate's name), ``inner_scores_`` (each candidate's
    inner cross-validated ROC-AUC), ``weight_`` (the weight on the trees), ``model_`` (the tree
    part, ``None`` for the linear candidate), ``linear_``, ``calibrator_``, ``schema_``.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 500,
        learning_rate: float = 0.03,
        num_leaves: int = 4,
        min_child_samples: int = 40,
        subsample: float = 0.8,
        colsample_bytree: float = 0.7,
        reg_lambda: float = 5.0,
        linear_C: float = 0.1,
        blend_weight: float = 0.5,
        calibration: str = "sigmoid",
        calibration_folds: int = 3,
        max_categories: int = 100,
        candidates: Sequence[str] | None = None,
        selection_rows: int = 50_000,
        outcome: str = "Probability",
        templates: Mapping[str, str] | None = None,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.linear_C = linear_C
        self.blend_weight = blend_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.max_categories = max_categories
        self.candidates = candidates
        self.selection_rows = selection_rows
        self.outcome = outcome
        self.templates = templates
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fitting
    def fit(self, X: pd.DataFrame, y: Any) -> PropensityModel:
        if self.calibration not in METHODS:
            raise ValueError(f"calibration must be one of {METHODS}, got {self.calibration!r}")
        if not 0.0 <= self.blend_weight <= 1.0:
            raise ValueError(f"blend_weight must be between 0 and 1, got {self.blend_weight}")
        if self.selection_rows < 10 * self.calibration_folds:
            raise ValueError(f"selection_rows must be at least {10 * self.calibration_folds}")
        candidates = resolve(self.candidates)
        schema = FeatureSchema.infer(X, self.max_categories)
        target = _binary_target(y, len(X), self.calibration_folds)
        codes = schema.encode(X)

        # Inner cross-validation on the training data only (a stratified sample if it is large):
        # out-of-fold raw scores of every part, mixed into every candidate's score.
        rows = self._selection_rows(target, len(candidates))
        parts = set().union(*(_parts_of(c) for c in candidates))
        oof, folds = self._out_of_fold(codes[rows], target[rows], schema, parts)
        scores = {c.name: _mean_fold_auc(target[rows], self._mix(c, oof), folds) for c in candidates}
        chosen = BY_NAME[choose(scores, candidates)]
        if len(rows) < len(target):
            # The calibrator needs out-of-fold scores of the chosen candidate on every row.
            oof, _ = self._out_of_fold(codes, target, schema, _parts_of(chosen))

        self.schema_ = schema
        self.feature_names_ = list(schema.names)
        self.categories_ = {k: list(v) for k, v in schema.categories.items()}
        self.candidate_ = chosen.name
        self.inner_scores_ = {name: round(score, 4) for name, score in scores.items()}
        self.selection_rows_ = len(rows)
        self.weight_ = weight_on_trees(chosen, self.blend_weight)
        self.calibrator_ = Calibrator.fit(self._mix(chosen, oof), target, self.calibration)
        self.model_ = self._fit_trees(chosen.trees, codes, target, schema) if chosen.trees else None
        self.linear_ = LinearPart.fit(codes, target, schema, self.linear_C)
        self.base_rate_ = float(target.mean())
        return self

    def _selection_rows(self, target: np.ndarray, candidates: int) -> np.ndarray:
        """Every row, or a stratified sample of ``selection_rows`` when there is a choice to make."""
        everything = np.arange(len(target))
        if candidates == 1 or len(target) <= self.selection_rows:
            return everything
        sample, _ = train_test_split(
            everything, train_size=self.selection_rows, stratify=target, random_state=self.random_state
        )
        return np.sort(sample)

    def _out_of_fold(
        self, codes: np.ndarray, target: np.ndarray, schema: FeatureSchema, parts: set[str]
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Out-of-fold raw scores of each part, and the inner fold of each row."""
        oof = {part: np.empty(len(target)) for part in parts}
        folds = np.empty(len(target), dtype=int)
        inner = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=self.random_state)
        for number, (train, held) in enumerate(inner.split(codes, target)):
            folds[held] = number
            for part in parts:
                if part == LINEAR:
                    linear = LinearPart.fit(codes[train], target[train], schema, self.linear_C)
                    oof[part][held] = linear.decision(codes[held])
                else:
                    trees = self._fit_trees(part, codes[train], target[train], schema)  # type: ignore[arg-type]
                    oof[part][held] = np.asarray(trees.predict(codes[held], raw_score=True), dtype=float)
        return oof, folds

    def _mix(self, candidate: Candidate, scores: Mapping[str, np.ndarray]) -> np.ndarray:
        weight = weight_on_trees(candidate, self.blend_weight)
        if candidate.trees is None:
            return scores[LINEAR]
        if not candidate.blended:
            return scores[candidate.trees]
        return np.asarray(weight * scores[candidate.trees] + (1.0 - weight) * scores[LINEAR])

    def _gbm_params(self, trees: Trees) -> dict[str, Any]:
        common = {
            "objective": "binary",
            "seed": self.random_state,
            "num_threads": self.n_jobs,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }
        if trees == "histgbm":
            return {**common, **HISTGBM_PARAMS}
        return {
            **common,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
        }

    def _fit_trees(
        self, trees: Trees, codes: np.ndarray, y: np.ndarray, schema: FeatureSchema
    ) -> lgb.Booster:
        # Internal names f0, f1… : LightGBM rejects some characters that users put in column names.
        data = lgb.Dataset(
            codes,
            label=y,
            feature_name=[f"f{j}" for j in range(codes.shape[1])],
            categorical_feature=schema.categorical_indices(),
            free_raw_data=True,
        )
        rounds = HISTGBM_ROUNDS if trees == "histgbm" else self.n_estimators
        return lgb.train(self._gbm_params(trees), data, num_boost_round=rounds)

    def _blend(self, gbm: np.ndarray, linear: np.ndarray) -> np.ndarray:
        return np.asarray(self.weight_ * gbm + (1.0 - self.weight_) * linear)

    # ------------------------------------------------------------------ scoring
    def _check_fitted(self) -> None:
        if not hasattr(self, "linear_"):
            raise NotFittedError(
                "this PropensityModel is not fitted yet: call fit(X, y) or load one with from_bytes()"
            )

    def _encode(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self.schema_.encode(X)

    def raw_scores(self, X: pd.DataFrame) -> pd.DataFrame:
        """Log-odds of each part and of the chosen mix (columns ``gbm``, ``linear``, ``blend``).

        ``gbm`` is 0 when the chosen candidate has no tree part.
        """
        codes = self._encode(X)
        gbm = (
            np.asarray(self.model_.predict(codes, raw_score=True), dtype=float)
            if self.model_ is not None
            else np.zeros(len(codes))
        )
        linear = self.linear_.decision(codes)
        return pd.DataFrame({"gbm": gbm, "linear": linear, "blend": self._blend(gbm, linear)}, index=X.index)

    def predict_probability(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the positive outcome, one per row of ``X``."""
        self._check_fitted()
        return self.calibrator_.probability(self.raw_scores(X)["blend"].to_numpy())

    def contributions(self, X: pd.DataFrame, part: Part = "blend") -> pd.DataFrame:
        """Signed log-odds contribution of each source column, plus ``bias``; rows sum to the raw score.

        ``part="gbm"`` gives LightGBM's own ``pred_contrib`` (TreeSHAP; zeros without a tree
        part); ``"linear"`` the logistic regression's terms (relative to the average training
        customer); ``"blend"`` their weighted mean, which is what :meth:`explain` ranks.
        """
        codes = self._encode(X)
        gbm = (
            np.asarray(self.model_.predict(codes, pred_contrib=True), dtype=float)
            if self.model_ is not None
            else np.zeros((len(codes), codes.shape[1] + 1))
        )
        linear = np.column_stack(
            [self.linear_.contributions(codes), np.full(len(codes), self.linear_.intercept)]
        )
        values = {"gbm": gbm, "linear": linear, "blend": self._blend(gbm, linear)}[part]
        return pd.DataFrame(values, columns=[*self.feature_names_, "bias"], index=X.index)

    def _pushes(self, X: pd.DataFrame) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each row's contributions (no bias) and the values of each column as plain arrays
        (per-cell pandas indexing costs ~50 µs, i.e. minutes at a million rows)."""
        values = self.contributions(X).drop(columns="bias").to_numpy()
        by_name = {str(c): c for c in X.columns}
        return values, [X[by_name[name]].to_numpy(dtype=object) for name in self.feature_names_]

    def explain(self, X: pd.DataFrame, top: int = 3) -> list[list[Factor]]:
        """The ``top`` columns that moved each customer's score most, strongest first."""
        values, columns = self._pushes(X)
        return [
            [
                Factor(
                    column=self.feature_names_[j],
                    value=_scalar(columns[j][i]),
                    contribution=float(values[i, j]),
                )
                for j in row
                if abs(values[i, j]) >= MIN_CONTRIBUTION
            ]
            for i, row in enumerate(strongest(values, top))
        ]

    def explanations(self, X: pd.DataFrame, top: int = 3) -> list[Reason]:
        """One explanation per customer as data (:class:`smartcrm.engine.reasons.Reason`)."""
        shared: dict[tuple[Any, ...], Reason] = {}  # factors repeat across customers: one phrase each
        return [
            explanation(factors, self.outcome, self.templates, shared) for factors in self.explain(X, top)
        ]

    def rendered_explanations(self, X: pd.DataFrame, top: int = 3) -> list[Rendered]:
        """``[r.rendered() for r in self.explanations(X, top)]``, built from each distinct factor
        phrase rendered once (:func:`.explain.rendered_explanations`): what a refresh stores."""
        values, columns = self._pushes(X)
        return rendered_explanations(values, columns, self.feature_names_, self.outcome, self.templates, top)

    def reasons(self, X: pd.DataFrame, top: int = 3) -> list[str]:
        """One plain sentence per customer, e.g. "Churn risk is higher because: …"."""
        return [reason.english() for reason in self.explanations(X, top)]

    # ------------------------------------------------------------------ persistence
    def to_bytes(self) -> bytes:
        """JSON document: type, format version, parameters, schema, the choice, both parts, calibrator."""
        self._check_fitted()
        document = {
            "type": MODEL_TYPE,
            "format_version": FORMAT_VERSION,
            "lightgbm_version": version("lightgbm"),
            "params": {k: _plain(v) for k, v in self.get_params().items()},
            "schema": self.schema_.to_dict(),
            "base_rate": self.base_rate_,
            "candidate": self.candidate_,
            "inner_scores": self.inner_scores_,
            "selection_rows": self.selection_rows_,
            "weight": self.weight_,
            "calibrator": self.calibrator_.to_dict(),
            "linear": self.linear_.to_dict(),
            "gbm": self.model_.model_to_string() if self.model_ is not None else None,
        }
        return json.dumps(document).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> PropensityModel:
        """Read a saved model; version 1 files (the blend, before the selection) still load."""
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError("not a saved PropensityModel (expected a JSON document)") from exc
        if not isinstance(document, dict) or document.get("type") != MODEL_TYPE:
            found = document.get("type") if isinstance(document, dict) else None
            raise ValueError(f"not a saved PropensityModel: type is {found!r}, expected {MODEL_TYPE!r}")
        if document.get("format_version") not in (1, FORMAT_VERSION):
            raise ValueError(
                f"saved PropensityModel has format version {document.get('format_version')!r}; "
                f"this code reads versions 1 and {FORMAT_VERSION}"
            )
        model = cls(**document["params"])
        model.schema_ = FeatureSchema.from_dict(document["schema"])
        model.feature_names_ = list(model.schema_.names)
        model.categories_ = {k: list(v) for k, v in model.schema_.categories.items()}
        model.base_rate_ = float(document["base_rate"])
        model.candidate_ = str(document.get("candidate", "blend"))
        model.inner_scores_ = dict(document.get("inner_scores", {}))
        model.selection_rows_ = int(document.get("selection_rows", 0))
        model.weight_ = float(document.get("weight", model.blend_weight))
        model.calibrator_ = Calibrator.from_dict(document["calibrator"])
        model.linear_ = LinearPart.from_dict(document["linear"])
        model.model_ = lgb.Booster(model_str=document["gbm"]) if document["gbm"] is not None else None
        return model


def _parts_of(candidate: Candidate) -> set[str]:
    return {candidate.trees or LINEAR} | ({LINEAR} if candidate.blended else set())


def _mean_fold_auc(y: np.ndarray, score: np.ndarray, folds: np.ndarray) -> float:
    return float(np.mean([roc_auc_score(y[folds == k], score[folds == k]) for k in np.unique(folds)]))


def _plain(value: Any) -> Any:
    """Parameters as JSON values: mappings as dicts, sequences (candidate names) as lists."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _binary_target(y: Any, n_rows: int, folds: int) -> np.ndarray:
    """A 0/1 array; refuses anything that is not two classes with enough of each to calibrate."""
    values = pd.Series(np.asarray(y))
    if len(values) != n_rows:
        raise ValueError(f"y has {len(values)} values but X has {n_rows} rows")
    if values.isna().any():
        raise ValueError("y has missing values; drop those rows or label them")
    if pd.api.types.is_bool_dtype(values.dtype):
        target = values.to_numpy(dtype=int)
    else:
        distinct = set(values.unique().tolist())
        if not distinct <= {0, 1}:
            raise ValueError(f"y must be 0/1 or boolean, got values {sorted(map(str, distinct))[:5]}")
        target = values.to_numpy(dtype=int)
    positives = int(target.sum())
    if min(positives, len(target) - positives) < folds:
        raise ValueError(
            f"y needs at least {folds} positive and {folds} negative rows to calibrate; "
            f"got {positives} positive of {len(target)}"
        )
    return target


def _scalar(value: Any) -> Any:
    """NumPy scalars as plain Python values, so factors print and serialise cleanly."""
    return value.item() if isinstance(value, np.generic) else value
