"""Whether the best hits answer the question: a calibrated confidence and a threshold.

Features of a query's ranked hits: the top article's dense cosine, its fused z-score, the
fused margin over the runner-up and log(1 + BM25) of the top article. A logistic regression per
language (``en``, ``zh``; ``*`` for the others) turns them into a probability that the
question is one the help center answers; ``answer`` says "answerable" at or above the
language's threshold.

The shipped defaults (:func:`default_answerability`) were fitted on the development split of
the repository's gold set and a separate set of out-of-scope training questions
(``smartcrm eval assistant --calibrate`` prints them), never on a test split.
``Answerability.fit`` recalibrates on a shop's own labelled questions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class _Hit(Protocol):
    @property
    def language(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def lexical(self) -> float: ...
    @property
    def dense(self) -> float: ...


def features(hits: Sequence[_Hit]) -> np.ndarray:
    """The four features of a ranked hit list (at least one hit)."""
    top = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else top.score - 1.0
    return np.array([top.dense, top.score, top.score - runner_up, math.log1p(max(top.lexical, 0.0))])


@dataclass
class Answerability:
    """Per-language logistic weights (4 features + intercept) and decision thresholds."""

    weights: dict[str, list[float]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)

    def threshold(self, language: str) -> float:
        key = _key(language)
        return self.thresholds.get(key, self.thresholds.get("*", 0.5))

    def confidence(self, hits: Sequence[_Hit]) -> float:
        key = _key(hits[0].language)
        w = self.weights.get(key) or self.weights.get("*")
        if w is None:
            return 1.0
        z = float(np.dot(w[:4], features(hits)) + w[4])
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def fit(
        self,
        hit_lists: Sequence[Sequence[_Hit]],
        correct: Sequence[bool],
        language: str = "*",
        c: float = 1.0,
        balanced: bool = False,
    ) -> Answerability:
        """Fit ``language``'s weights: ``correct[i]`` = question ``i`` is answered by the help center.

        ``balanced`` weighs the two classes equally (when one side has many more questions)."""
        from sklearn.linear_model import LogisticRegression

        x = np.vstack([features(h) for h in hit_lists])
        y = np.asarray(correct, dtype=int)
        if len(set(y)) < 2:
            raise ValueError("calibration needs both answerable and unanswerable questions")
        mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)
        weight = "balanced" if balanced else None
        model = LogisticRegression(C=c, max_iter=1000, class_weight=weight).fit((x - mean) / scale, y)
        coef = model.coef_[0] / scale  # folded back onto the raw features
        intercept = float(model.intercept_[0]) - float(np.dot(coef, mean))
        self.weights[language] = [*map(float, coef), intercept]
        return self


def _key(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


# Fitted (class-balanced) on the gold set's dev split plus 300 out-of-scope training questions of
# 20 kinds (``evaluation/assistant_oos_train.csv``), with the default index (English: MiniLM,
# Chinese: e5-small; dense weight 0.7). Threshold per language: the lowest at which 95% of
# those out-of-scope questions are handed over. Fitted on dev alone, the decision answered half
# of a fresh out-of-scope set (docs/models/assistant.md); this one hands over more in-scope
# questions too, which then get a clarifying question listing the closest articles.
# Other languages use the e5-small (Chinese) fit.
DEFAULT_WEIGHTS: dict[str, list[float]] = {
    "en": [15.3692, 1.0507, 0.079, -0.4957, -7.7861],
    "zh": [71.5722, 2.6512, -0.6705, -0.9093, -66.4311],
    "*": [71.5722, 2.6512, -0.6705, -0.9093, -66.4311],
}
DEFAULT_THRESHOLDS: dict[str, float] = {"en": 0.763, "zh": 0.781, "*": 0.781}


def default_answerability() -> Answerability:
    return Answerability({k: list(v) for k, v in DEFAULT_WEIGHTS.items()}, dict(DEFAULT_THRESHOLDS))
