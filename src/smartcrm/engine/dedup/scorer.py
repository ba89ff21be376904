"""Pair scorers: from comparison levels to a match probability, with a weight per field.

Two scorers share one interface (``fit(levels, is_match)``, ``predict_match_probability``,
``field_weights``):

- ``FellegiSunterScorer``: the classic record-linkage model. Per field and level, m = P(level |
  match) and u = P(level | non-match) are counted on labelled candidate pairs (add-one
  smoothing); the weight of a level is log(m/u) and a pair's log-odds is the prior plus the sum
  of its levels' weights (fields taken as independent).
- ``LogisticScorer``: logistic regression on the one-hot levels. The same additive form, but
  the weights are fitted jointly, so correlated fields (a family shares surname, address and
  phone) are not counted twice.

Either way a pair's evidence is the list of its levels with their weights, which add up (with
the intercept) to its log-odds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.linear_model import LogisticRegression

from smartcrm.engine.dedup.compare import FIELDS, LEVEL_NAMES

Floats = npt.NDArray[np.float64]


def _columns() -> list[tuple[str, int]]:
    return [(field, level) for field in FIELDS for level in sorted(LEVEL_NAMES[field])]


def one_hot(levels: pd.DataFrame) -> npt.NDArray[np.float32]:
    cols = _columns()
    out = np.zeros((len(levels), len(cols)), dtype=np.float32)
    for j, (field, level) in enumerate(cols):
        out[:, j] = levels[field].to_numpy() == level
    return out


class _AdditiveScorer:
    intercept_: float
    weights_: dict[str, dict[int, float]]

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet")

    def log_odds(self, levels: pd.DataFrame) -> Floats:
        self._check_fitted()
        total = np.full(len(levels), self.intercept_, dtype=np.float64)
        for field in FIELDS:
            table = self.weights_[field]
            lookup = np.zeros(8, dtype=np.float64)
            for level, weight in table.items():
                lookup[level + 1] = weight
            total += lookup[levels[field].to_numpy().astype(np.int64) + 1]
        return total

    def predict_match_probability(self, levels: pd.DataFrame) -> Floats:
        return 1.0 / (1.0 + np.exp(-self.log_odds(levels)))

    def field_weights(self, levels: pd.Series) -> dict[str, float]:
        """The weight (log-odds contribution) of each field's level for one pair."""
        self._check_fitted()
        return {field: round(self.weights_[field][int(levels[field])], 3) for field in FIELDS}


class FellegiSunterScorer(_AdditiveScorer):
    def __init__(self, smoothing: float = 1.0) -> None:
        self.smoothing = smoothing

    def fit(self, levels: pd.DataFrame, is_match: npt.NDArray[np.bool_]) -> FellegiSunterScorer:
        matches, non = levels[is_match], levels[~is_match]
        if len(matches) == 0 or len(non) == 0:
            raise ValueError("training pairs need both matches and non-matches")
        self.weights_ = {}
        for field in FIELDS:
            table = {}
            names = sorted(LEVEL_NAMES[field])
            m_counts = matches[field].value_counts()
            u_counts = non[field].value_counts()
            for level in names:
                m = (m_counts.get(level, 0) + self.smoothing) / (len(matches) + self.smoothing * len(names))
                u = (u_counts.get(level, 0) + self.smoothing) / (len(non) + self.smoothing * len(names))
                table[level] = float(np.log(m / u))
            self.weights_[field] = table
        self.intercept_ = float(np.log(len(matches) / len(non)))
        return self


class LogisticScorer(_AdditiveScorer):
    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, levels: pd.DataFrame, is_match: npt.NDArray[np.bool_]) -> LogisticScorer:
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(one_hot(levels), is_match)
        self.weights_ = {field: {} for field in FIELDS}
        for (field, level), coef in zip(_columns(), model.coef_[0], strict=True):
            self.weights_[field][level] = float(coef)
        self.intercept_ = float(model.intercept_[0])
        return self


SCORERS: dict[str, type[FellegiSunterScorer] | type[LogisticScorer]] = {
    "fellegi_sunter": FellegiSunterScorer,
    "logistic": LogisticScorer,
}
