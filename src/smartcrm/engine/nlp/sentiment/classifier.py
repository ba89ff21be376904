"""The sentiment classifier of one language: feature views, base learners and a stacking meta-learner.

``method="linear"`` is one logistic regression on all views side by side (the baseline).
``method="stack"`` fits several base learners (see :mod:`.base`) and a logistic-regression
meta-learner on their *out-of-fold* class log-odds from an inner stratified split of the
training texts, then refits every base learner on all training texts. The meta-learner thus
learns how far to trust each view from predictions on texts the view had not seen, and the
evaluation split is never touched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from .base import LogisticPart, NBLogisticPart
from .text import words
from .views import Views

METHODS = ("linear", "stack")


def _parts(lang: str, method: str, seed: int) -> list[Any]:
    if method == "linear":
        return [LogisticPart(("char", "word"), C=4.0, seed=seed)]
    return [
        LogisticPart("char", C=4.0, seed=seed),
        LogisticPart("word", C=4.0, seed=seed),
        NBLogisticPart(("char", "word"), C=1.0, seed=seed),
    ]


class LanguageClassifier:
    """Class probabilities for texts of one language (``"zh"`` or ``"en"``)."""

    def __init__(self, lang: str, method: str = "stack", inner_folds: int = 5, seed: int = 0) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        self.lang = lang
        self.method = method
        self.inner_folds = inner_folds
        self.seed = seed

    def _views(self, texts: list[str], fit: bool = False) -> dict[str, sp.csr_matrix]:
        tokens = [words(text, self.lang) for text in texts]
        if fit:
            self.views_ = Views(self.lang)
            return self.views_.fit_transform(texts, tokens)
        return self.views_.transform(texts, tokens)

    def fit(self, texts: list[str], y: np.ndarray) -> LanguageClassifier:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        views = self._views(texts, fit=True)
        self.parts_ = _parts(self.lang, self.method, self.seed)
        if self.method == "linear":
            self.parts_[0].fit(views, y)
            self.meta_ = None
            return self
        counts = np.bincount(np.searchsorted(self.classes_, y))
        folds = int(min(self.inner_folds, counts.min()))
        if folds < 2:
            raise ValueError("each sentiment class needs at least two texts to stack")
        splitter = StratifiedKFold(folds, shuffle=True, random_state=self.seed)
        blocks: list[np.ndarray] = []
        for part in self.parts_:
            block = np.zeros((0, 0))
            for train, test in splitter.split(np.zeros(len(y)), y):
                sub = {name: matrix[train] for name, matrix in views.items()}
                scores = part.fit(sub, y[train]).scores({name: m[test] for name, m in views.items()})
                if not block.size:
                    block = np.zeros((len(y), scores.shape[1]))
                block[test] = scores
            blocks.append(block)
        oof = np.hstack(blocks)
        self.meta_ = LogisticRegression(C=1.0, max_iter=1000).fit(oof, y)
        for part in self.parts_:
            part.fit(views, y)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        views = self._views(texts)
        if self.meta_ is None:
            return self.parts_[0].model_.predict_proba(self.parts_[0]._matrix(views))
        scores = np.hstack([part.scores(views) for part in self.parts_])
        return self.meta_.predict_proba(scores)
