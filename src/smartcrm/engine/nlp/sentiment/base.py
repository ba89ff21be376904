"""Base learners of the sentiment stack: each turns one feature view into class scores.

* ``LogisticPart``: L2 logistic regression on a TF-IDF view (with ``by_domain``, on the view
  expanded by domain cluster, :mod:`.domains`; so are the two below);
* ``NBLogisticPart``: logistic regression on binary n-gram presence scaled by the naive-Bayes
  log-count ratio of each class against the rest (Wang & Manning's NB-SVM, with a logistic
  loss so the scores are probabilities), one-vs-rest for more than two classes;
* ``NaiveBayesPart``: multinomial naive Bayes on the TF-IDF views;
* ``NeighboursPart``: the similarity-weighted vote of the most similar training texts (cosine
  on the TF-IDF views): it remembers phrasings the linear learners average away;
* ``DensePart``: logistic regression on sentence embeddings (English: MiniLM);
* ``FixedPart``: a score passed through unfitted (English: VADER's lexicon scores).

Every part exposes ``fit(X, y)`` and ``scores(X)``: an (n, k) array of class log-odds, the
inputs of the meta-learner (for two classes a single column).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, normalize

from .domains import by_domain

EPS = 1e-6


def log_odds(proba: np.ndarray) -> np.ndarray:
    """Per-class log-odds of a probability matrix; for two classes only the positive column."""
    clipped = np.clip(proba, EPS, 1 - EPS)
    odds = np.log(clipped) - np.log1p(-clipped)
    return odds[:, 1:] if proba.shape[1] == 2 else odds


def side_by_side(views: dict[str, sp.csr_matrix], view: str | tuple[str, ...]) -> sp.csr_matrix:
    """The named view, or several views' columns side by side, as one matrix."""
    names = (view,) if isinstance(view, str) else view
    return sp.hstack([views[name] for name in names]).tocsr()


class LogisticPart:
    def __init__(
        self, view: str | tuple[str, ...], C: float = 4.0, seed: int = 0, *, by_domain: bool = False
    ) -> None:
        self.view = view
        self.C = C
        self.seed = seed
        self.by_domain = by_domain

    def _matrix(self, views: dict[str, sp.csr_matrix]) -> sp.csr_matrix:
        X = side_by_side(views, self.view)
        return by_domain(X, views["domain"]) if self.by_domain else X

    def fit(self, views: dict[str, sp.csr_matrix], y: np.ndarray) -> LogisticPart:
        self.model_ = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        self.model_.fit(self._matrix(views), y)
        return self

    def scores(self, views: dict[str, sp.csr_matrix]) -> np.ndarray:
        return log_odds(self.model_.predict_proba(self._matrix(views)))


class NBLogisticPart(LogisticPart):
    def __init__(
        self,
        view: str | tuple[str, ...],
        C: float = 4.0,
        alpha: float = 1.0,
        seed: int = 0,
        *,
        by_domain: bool = False,
    ) -> None:
        super().__init__(view, C, seed, by_domain=by_domain)
        self.alpha = alpha

    def fit(self, views: dict[str, sp.csr_matrix], y: np.ndarray) -> NBLogisticPart:
        X = self._matrix(views)
        X.data = np.ones_like(X.data)
        self.classes_ = np.unique(y)
        targets = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        self.ratios_: list[np.ndarray] = []
        self.models_: list[Any] = []
        for cls in targets:
            hit = y == cls
            p = np.asarray(X[hit].sum(axis=0)).ravel() + self.alpha
            q = np.asarray(X[~hit].sum(axis=0)).ravel() + self.alpha
            ratio = np.log(p / p.sum()) - np.log(q / q.sum())
            model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
            model.fit(_scale_columns(X, ratio), hit.astype(int))
            self.ratios_.append(ratio)
            self.models_.append(model)
        return self

    def scores(self, views: dict[str, sp.csr_matrix]) -> np.ndarray:
        X = self._matrix(views)
        X.data = np.ones_like(X.data)
        pairs = zip(self.ratios_, self.models_, strict=True)
        columns = [model.decision_function(_scale_columns(X, ratio)) for ratio, model in pairs]
        return np.column_stack(columns)


def _scale_columns(X: sp.csr_matrix, ratio: np.ndarray) -> sp.csr_matrix:
    """``X @ diag(ratio)`` for a binary ``X``: each stored one becomes its column's ratio.

    Built from ``X``'s own structure: the product with ``sp.diags`` converted a diagonal matrix as
    wide as the vocabulary (484,502 n-grams in the default's Chinese stack) at every call.
    """
    return sp.csr_matrix((ratio[X.indices], X.indices, X.indptr), shape=X.shape)


class NaiveBayesPart(LogisticPart):
    """Multinomial naive Bayes on the TF-IDF views: nearly free, and wrong in other places than the rest."""

    def __init__(self, view: str | tuple[str, ...], alpha: float = 0.1, *, by_domain: bool = False) -> None:
        super().__init__(view, by_domain=by_domain)
        self.alpha = alpha

    def fit(self, views: dict[str, sp.csr_matrix], y: np.ndarray) -> NaiveBayesPart:
        self.model_ = MultinomialNB(alpha=self.alpha).fit(self._matrix(views), y)
        return self

    def scores(self, views: dict[str, sp.csr_matrix]) -> np.ndarray:
        log_proba = self.model_.predict_log_proba(self._matrix(views))
        centred = log_proba - log_proba.mean(axis=1, keepdims=True)
        return centred[:, 1:] if log_proba.shape[1] == 2 else centred


class NeighboursPart(LogisticPart):
    """Vote of the ``k`` training texts most similar to each text, weighted by cosine similarity.

    Shops receive many near-copies of the same short review; a neighbour vote scores them by
    what their twins were labelled, where a linear model blends them with everything else. The
    training matrix is kept (as float32) to search: the model grows by about 35 MB for the
    17,363 Chinese reviews of the default.

    The search is one sparse product with the normalised training matrix, kept transposed
    (n-grams × texts) so nothing is converted per call. scikit-learn's brute-force
    ``NearestNeighbors`` finds the same neighbours but normalises and converts the training
    matrix at every call: about 0.15 s per call on the default's 17,363 Chinese texts, against
    0.6 ms per text scored here, which made the vote most of the cost of analysing a Chinese
    text in the pipeline's batches.
    """

    BLOCK = 1000  # texts scored at once: bounds the dense (texts × training texts) similarity block

    def __init__(self, view: str | tuple[str, ...], k: int = 30) -> None:
        super().__init__(view)
        self.k = k

    def fit(self, views: dict[str, sp.csr_matrix], y: np.ndarray) -> NeighboursPart:
        X = self._matrix(views).astype(np.float32)
        self.classes_ = np.unique(y)
        self.labels_ = np.searchsorted(self.classes_, y)
        self.index_ = _similarity_index(X)
        self.k_ = min(self.k, X.shape[0])
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        index = state["index_"]
        if isinstance(index, NearestNeighbors):  # pickled before 2026-11-23
            state["index_"] = _similarity_index(index._fit_X)
            state["k_"] = index.n_neighbors
        self.__dict__.update(state)

    def scores(self, views: dict[str, sp.csr_matrix]) -> np.ndarray:
        queries = self._matrix(views).astype(np.float32)
        blocks = [
            self._votes(queries[start : start + self.BLOCK])
            for start in range(0, queries.shape[0], self.BLOCK)
        ]
        votes = np.vstack(blocks) if blocks else np.zeros((0, len(self.classes_)))
        share = votes / (votes.sum(axis=1, keepdims=True) + EPS)
        centred = share - share.mean(axis=1, keepdims=True)
        return centred[:, 1:] if len(self.classes_) == 2 else centred

    def _votes(self, queries: sp.csr_matrix) -> np.ndarray:
        similarity = (normalize(queries) @ self.index_).toarray()
        if self.k_ < similarity.shape[1]:
            neighbours = np.argpartition(-similarity, self.k_ - 1, axis=1)[:, : self.k_]
            similarity = np.take_along_axis(similarity, neighbours, axis=1)
        else:
            neighbours = np.broadcast_to(np.arange(similarity.shape[1]), similarity.shape)
        weight = np.clip(similarity.astype(np.float64), 0.0, None)
        labels = self.labels_[neighbours]
        return np.column_stack([(weight * (labels == c)).sum(axis=1) for c in range(len(self.classes_))])


def _similarity_index(X: sp.spmatrix) -> sp.csr_matrix:
    """The training rows L2-normalised and transposed: ``queries @ index`` is their cosine similarity."""
    return sp.csr_matrix(normalize(sp.csr_matrix(X, dtype=np.float32)).T)


class DensePart:
    """Logistic regression on a dense view (sentence embeddings), standardised first."""

    def __init__(self, view: str, C: float = 0.1, seed: int = 0) -> None:
        self.view = view
        self.C = C
        self.seed = seed

    def fit(self, views: dict[str, Any], y: np.ndarray) -> DensePart:
        self.model_ = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        ).fit(views[self.view], y)
        return self

    def scores(self, views: dict[str, Any]) -> np.ndarray:
        return log_odds(self.model_.predict_proba(views[self.view]))


class FixedPart:
    """A view passed to the meta-learner as is (e.g. VADER's lexicon scores): nothing to fit."""

    def __init__(self, view: str) -> None:
        self.view = view

    def fit(self, views: dict[str, Any], y: np.ndarray) -> FixedPart:
        return self

    def scores(self, views: dict[str, Any]) -> np.ndarray:
        return np.asarray(views[self.view], dtype=float)
