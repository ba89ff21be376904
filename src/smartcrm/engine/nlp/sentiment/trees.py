"""Gradient-boosted trees on the n-gram views: the non-linear learner of the Chinese stack.

Every other base learner is linear in n-gram features and they err on the same texts (each
tops out near 0.86 accuracy on the Chinese reviews). Trees split on *combinations* of
n-grams ("不" with "错" but without "太"), so they are wrong in other places, and the
meta-learner gains from them what another linear learner cannot give.

LightGBM on the ``k`` n-grams with the highest chi-squared association with the labels in the
training texts (TF-IDF values, both views side by side); fixed hyper-parameters chosen before
any test fold was seen (see docs/models/sentiment.md). ``crossfit = True`` tells the stacking
classifier to keep the models it fitted on its inner folds and average their scores instead of
refitting once more on all texts: the trees are the slowest part, and the average of the
inner-fold models is a small bagged ensemble for free.

One thread by default (``n_jobs=1``): on a shared 2-core machine LightGBM's OpenMP threads
spin against other processes, and a 900-text fit took 1.3 s on one thread, 3.9 s with the
default thread count and 53 s with two threads (load average 5).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from .base import side_by_side


class BoostedTreesPart:
    crossfit = True

    def __init__(
        self,
        view: str | tuple[str, ...] = ("char", "word"),
        *,
        k: int = 20_000,
        n_estimators: int = 300,
        learning_rate: float = 0.1,
        num_leaves: int = 31,
        colsample: float = 0.3,
        n_jobs: int | None = 1,
        seed: int = 0,
    ) -> None:
        self.view = view
        self.k = k
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.colsample = colsample
        self.n_jobs = n_jobs
        self.seed = seed

    def _matrix(self, views: dict[str, sp.csr_matrix]) -> sp.csr_matrix:
        return side_by_side(views, self.view)

    def fit(self, views: dict[str, sp.csr_matrix], y: np.ndarray) -> BoostedTreesPart:
        import lightgbm as lgb
        from sklearn.feature_selection import chi2

        X = self._matrix(views)
        association, _ = chi2(X, y)
        self.columns_ = np.sort(np.argsort(-np.nan_to_num(association), kind="stable")[: self.k])
        self.model_: Any = lgb.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            colsample_bytree=self.colsample,
            subsample=0.8,
            subsample_freq=1,
            min_child_samples=10,
            random_state=self.seed,
            n_jobs=self.n_jobs,
            verbose=-1,
        )
        self.model_.fit(X[:, self.columns_].astype(np.float32), y)
        return self

    def scores(self, views: dict[str, sp.csr_matrix]) -> np.ndarray:
        """Raw boosting margins: for two classes the log-odds column, else centred per-class margins."""
        X = self._matrix(views)[:, self.columns_].astype(np.float32)
        raw = np.asarray(self.model_.predict_proba(X, raw_score=True))
        if raw.ndim == 1:
            return raw[:, None]
        return raw - raw.mean(axis=1, keepdims=True)
