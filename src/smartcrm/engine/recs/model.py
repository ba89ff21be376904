"""Collaborative filtering from implicit feedback: EASE blended with implicit ALS, tuned on training data.

Chosen by measurement on ml-100k (see ``docs/models/recommendations.md``): EASE is the strongest
single method there; a weighted blend with iALS (per-user z-scored scores) ranks better still,
and two cheap EASE refinements help a little more: down-weighting heavy users in the item-item
statistics and dividing scores by ``popularity^β`` (a mild popularity debias).

Every setting (λ, γ, β, the ALS regularisation, the blend weight) is picked by a staged search on
a per-user random hold-out carved out of the *training* interactions only; the model is then
refitted on all of them. A blend weight of 0 (EASE alone) stays in the search, so a data set on
which ALS does not help gets plain EASE.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from .data import InteractionMatrix
from .ease import fit_ease
from .ials import fit_ials, fold_in
from .metrics import ranking_metrics, top_k
from .split import holdout_per_user

MODEL_TYPE = "smartcrm.engine.recs.CollaborativeRecommender"


class CollaborativeRecommender(BaseEstimator):
    """Which items each customer is most likely to want next, from who bought what."""

    def __init__(
        self,
        *,
        lambdas: Sequence[float] = (100.0, 250.0, 500.0),
        user_weight_powers: Sequence[float] = (0.0, 0.5),
        popularity_powers: Sequence[float] = (0.0, 0.1),
        ials_factors: int = 32,
        ials_regularizations: Sequence[float] = (5.0, 10.0, 20.0),
        ials_seeds: int = 3,
        blend_weights: Sequence[float] = (0.0, 0.2, 0.3, 0.4, 0.5),
        validation_fraction: float = 0.1,
        tune: bool = True,
        max_items: int = 20_000,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.lambdas = lambdas
        self.user_weight_powers = user_weight_powers
        self.popularity_powers = popularity_powers
        self.ials_factors = ials_factors
        self.ials_regularizations = ials_regularizations
        self.ials_seeds = ials_seeds
        self.blend_weights = blend_weights
        self.validation_fraction = validation_fraction
        self.tune = tune
        self.max_items = max_items
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fitting
    def fit(self, interactions: pd.DataFrame) -> CollaborativeRecommender:
        """Learn from a frame with ``user_id`` and ``item_id`` (one row per interaction)."""
        frame = self._limit_items(interactions)
        if self.tune:
            self.best_params_, self.validation_ = self._search(frame)
        else:
            self.best_params_ = self._default_params()
            self.validation_ = []
        self.data_ = InteractionMatrix.from_frame(frame)
        self._fit_parts(self.data_.matrix, self.best_params_)
        return self

    def _limit_items(self, interactions: pd.DataFrame) -> pd.DataFrame:
        """EASE inverts an items × items matrix: keep the ``max_items`` most popular items."""
        frame = interactions[["user_id", "item_id"]].drop_duplicates()
        counts = frame["item_id"].value_counts()
        if len(counts) > self.max_items:
            frame = frame[frame["item_id"].isin(counts.index[: self.max_items])]
        return frame

    def _default_params(self) -> dict[str, float]:
        return {
            "lam": float(self.lambdas[len(self.lambdas) // 2]),
            "user_weight_power": float(self.user_weight_powers[0]),
            "popularity_power": float(self.popularity_powers[0]),
            "ials_regularization": float(self.ials_regularizations[len(self.ials_regularizations) // 2]),
            "blend_weight": float(self.blend_weights[0]),
        }

    def _fit_parts(self, matrix: sp.csr_matrix, params: dict[str, float]) -> None:
        self.item_weights_ = fit_ease(matrix, params["lam"], params["user_weight_power"])
        self.item_counts_ = np.asarray(matrix.sum(axis=0)).ravel()
        self.factors_ = (
            fit_ials(
                matrix,
                factors=self.ials_factors,
                regularization=params["ials_regularization"],
                seeds=self.ials_seeds,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
            if params["blend_weight"] > 0
            else []
        )
        self.params_ = dict(params)

    def _search(self, frame: pd.DataFrame) -> tuple[dict[str, float], list[dict[str, Any]]]:
        """Staged search on an inner hold-out of the training data; returns the winner and the log."""
        inner_train, inner_valid = holdout_per_user(frame, self.validation_fraction, self.random_state + 1)
        data = InteractionMatrix.from_frame(inner_train)
        valid = InteractionMatrix.from_frame(
            inner_valid[inner_valid["user_id"].isin(data.users)], items=data.items
        )
        valid_matrix = _align_rows(valid, data.users)
        log: list[dict[str, Any]] = []

        def measure(params: dict[str, float], stage: str) -> float:
            self._fit_parts(data.matrix, params)
            figures = ranking_metrics(lambda rows: self._scores(data.matrix, rows), data.matrix, valid_matrix)
            objective = figures["recall_at_10"] + figures["ndcg_at_10"]
            log.append({"stage": stage, **params, **{k: round(v, 4) for k, v in figures.items()}})
            return objective

        best = self._default_params()
        best["blend_weight"] = 0.0
        best_score = -1.0
        for lam in self.lambdas:
            for power in self.user_weight_powers:
                trial = {**best, "lam": float(lam), "user_weight_power": float(power)}
                score = measure(trial, "ease")
                if score > best_score:
                    best, best_score = trial, score
        for beta in self.popularity_powers:
            if beta == best["popularity_power"]:
                continue
            trial = {**best, "popularity_power": float(beta)}
            score = measure(trial, "popularity debias")
            if score > best_score:
                best, best_score = trial, score
        if any(w > 0 for w in self.blend_weights):
            # ALS alone picks its regularisation, then the blend weight is chosen with it.
            als_best, als_score = best, -1.0
            for reg in self.ials_regularizations:
                trial = {**best, "ials_regularization": float(reg), "blend_weight": 1.0}
                score = measure(trial, "ials")
                if score > als_score:
                    als_best, als_score = trial, score
            for weight in self.blend_weights:
                if weight == 0:
                    continue
                trial = {
                    **best,
                    "ials_regularization": als_best["ials_regularization"],
                    "blend_weight": weight,
                }
                score = measure(trial, "blend")
                if score > best_score:
                    best, best_score = trial, score
        return best, log

    # ------------------------------------------------------------------ scoring
    def _check(self) -> None:
        if not hasattr(self, "item_weights_"):
            raise NotFittedError("CollaborativeRecommender is not fitted yet: call fit first")

    def _scores(self, matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Blended scores for user rows of ``matrix`` (rows of the fitted data); seen items = -inf."""
        return self._score_histories(matrix[rows])

    def _score_histories(self, history: sp.csr_matrix) -> np.ndarray:
        """Blended scores of users given by their history rows (over the fitted items); seen
        items = -inf. A row's scores depend on that row alone: ALS user factors are folded in
        from it (``ials.fold_in``), exactly as training left them."""
        seen = history.toarray() > 0
        ease = np.asarray(history @ self.item_weights_, dtype=np.float64)
        beta = self.params_["popularity_power"]
        if beta:
            ease = ease / np.maximum(self.item_counts_, 1.0) ** beta
        weight = self.params_["blend_weight"]
        if weight <= 0 or not self.factors_:
            ease[seen] = -np.inf
            return ease
        regularization = self.params_["ials_regularization"]
        als = np.mean(
            [
                _zscore(_row_products(fold_in(items, history, regularization=regularization), items), seen)
                for _users, items in self.factors_
            ],
            axis=0,
        )
        blended = (1.0 - weight) * _zscore(ease, seen) + weight * als
        blended[seen] = -np.inf
        return blended

    def score_users(self, user_ids: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Known users' rows and their dense item scores (``-inf`` for items already seen)."""
        self._check()
        rows = self.data_.rows_for(np.asarray(user_ids))
        known = rows[rows >= 0]
        return known, self._scores(self.data_.matrix, known)

    def recommend(self, user_ids: Sequence[Any] | np.ndarray, k: int = 10, batch: int = 2048) -> pd.DataFrame:
        """Top-k unseen items per known user: user_id, item_id, rank (1 = best), score.

        Users never seen in training are absent (the caller falls back to popularity).
        """
        self._check()
        rows = self.data_.rows_for(np.asarray(user_ids))
        rows = rows[rows >= 0]
        return self._top(self.data_.matrix[rows], self.data_.users[rows], k, batch)

    def recommend_histories(
        self, interactions: pd.DataFrame, k: int = 10, batch: int = 2048
    ) -> tuple[pd.DataFrame, InteractionMatrix]:
        """Top-k unseen items for users given by their interactions (``user_id``, ``item_id``),
        who need not be among the users it was fitted on: what a worker scoring one chunk of
        customers calls with the chunk's history. Items the model does not know are ignored and a
        user left with none is absent, as in :meth:`recommend`; the same user with the same
        history gets the same rows. Also returns the users' history matrix (for anchors)."""
        self._check()
        pairs = interactions[["user_id", "item_id"]].dropna().drop_duplicates()
        pairs = pairs[pairs["item_id"].isin(self.data_.items)]
        if pairs.empty:
            empty = InteractionMatrix(
                matrix=sp.csr_matrix((0, len(self.data_.items)), dtype=np.float32),
                users=np.asarray([]),
                items=self.data_.items,
            )
            return pd.DataFrame(columns=["user_id", "item_id", "rank", "score"]), empty
        histories = InteractionMatrix.from_frame(pairs, items=self.data_.items)
        return self._top(histories.matrix, histories.users, k, batch), histories

    def _top(self, matrix: sp.csr_matrix, users: np.ndarray, k: int, batch: int) -> pd.DataFrame:
        parts = []
        for start in range(0, matrix.shape[0], batch):
            scores = self._score_histories(matrix[start : start + batch])
            best = top_k(scores, k)
            best_scores = np.take_along_axis(scores, best, axis=1)
            block_users = users[start : start + batch]
            ranks = np.tile(np.arange(1, best.shape[1] + 1), len(block_users))
            parts.append(
                pd.DataFrame(
                    {
                        "user_id": np.repeat(block_users, best.shape[1]),
                        "item_id": self.data_.items[best.ravel()],
                        "rank": ranks,
                        "score": best_scores.ravel(),
                    }
                )
            )
        if not parts:
            return pd.DataFrame(columns=["user_id", "item_id", "rank", "score"])
        out = pd.concat(parts, ignore_index=True)
        return out[np.isfinite(out["score"])].reset_index(drop=True)

    def for_scoring(self) -> CollaborativeRecommender:
        """A copy holding only what scoring needs (item weights, item factors, the item index):
        its size depends on the items, not on how many users it was fitted on."""
        self._check()
        copy = CollaborativeRecommender(**self.get_params())
        copy.best_params_, copy.validation_, copy.params_ = self.best_params_, self.validation_, self.params_
        copy.item_weights_, copy.item_counts_ = self.item_weights_, self.item_counts_
        copy.factors_ = [
            (np.zeros((0, items.shape[1]), dtype=np.float32), items) for _u, items in self.factors_
        ]
        copy.data_ = InteractionMatrix(
            matrix=sp.csr_matrix((0, len(self.data_.items)), dtype=np.float32),
            users=np.asarray([]),
            items=self.data_.items,
        )
        copy.summary_ = self.summary()
        return copy

    def explain(self, user_id: Any, item_ids: Sequence[Any]) -> list[Any | None]:
        """For each item, the user's past item that contributed most to its EASE score (or None)."""
        self._check()
        row = self.data_.rows_for(np.asarray([user_id]))[0]
        if row < 0:
            return [None] * len(item_ids)
        history = self.data_.matrix[row].indices
        columns = pd.Index(self.data_.items).get_indexer(pd.Index(item_ids))
        out: list[Any | None] = []
        for column in columns:
            if column < 0 or len(history) == 0:
                out.append(None)
                continue
            contributions = self.item_weights_[history, column]
            best = int(np.argmax(contributions))
            out.append(self.data_.items[history[best]] if contributions[best] > 0 else None)
        return out

    def summary(self) -> dict[str, Any]:
        """What the model card shows: settings chosen, the inner-validation log, sizes."""
        self._check()
        if hasattr(self, "summary_"):  # a copy for scoring: the figures of the fitted model
            return dict(self.summary_)
        return {
            "model_type": MODEL_TYPE,
            "params": self.params_,
            "validation": self.validation_,
            "users": len(self.data_.users),
            "items": len(self.data_.items),
            "interactions": int(self.data_.matrix.nnz),
        }


def _row_products(users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """``users @ items.T`` summed in the same order for every row, however many rows there are
    (a BLAS product may round a row differently depending on the block it falls in: a customer's
    scores must not depend on the chunk they are scored in)."""
    items64 = np.ascontiguousarray(items, dtype=np.float64)
    out = np.empty((users.shape[0], items.shape[0]), dtype=np.float64)
    for row, user in enumerate(users.astype(np.float64)):
        out[row] = items64 @ user  # one matrix-vector product per user
    return out


def _zscore(scores: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Standardise each row over the items not seen (so two models' scores can be added)."""
    masked = np.where(seen, np.nan, scores)
    mean = np.nanmean(masked, axis=1, keepdims=True)
    std = np.nanstd(masked, axis=1, keepdims=True)
    return np.nan_to_num((scores - mean) / np.where(std > 0, std, 1.0))


def _align_rows(data: InteractionMatrix, users: np.ndarray) -> sp.csr_matrix:
    """``data``'s matrix re-indexed to the row order of ``users`` (missing users = empty rows)."""
    rows = pd.Index(data.users).get_indexer(pd.Index(users))
    out = sp.lil_matrix((len(users), data.matrix.shape[1]), dtype=np.float32)
    present = rows >= 0
    out[np.flatnonzero(present)] = data.matrix[rows[present]]
    return out.tocsr()
