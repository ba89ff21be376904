"""The candidate models :class:`~.model.PropensityModel` chooses between, by inner cross-validation.

Every candidate has the same two-part shape — a LightGBM tree part and the logistic regression
of :mod:`.linear`, mixed in log-odds — so whichever is chosen keeps exact per-column
explanations, one calibrator and one file format. They differ in the tree settings and in the
weight on the trees:

* ``blend`` — careful trees (the model's own settings: few leaves, slow learning rate) mixed
  with the linear part; the long-standing default, preferred when scores are within noise;
* ``linear`` — the logistic regression alone (one-hot categoricals, scaled numerics);
* ``histgbm`` — trees with the defaults of an untuned ``HistGradientBoostingClassifier``
  (100 rounds, learning rate 0.1, 31 leaves, 20 rows per leaf, no row or column sampling, no
  L2 penalty), alone; strong where interactions matter and the linear part falls short;
* ``histgbm_blend`` — those trees mixed with the linear part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Trees = Literal["careful", "histgbm"]


@dataclass(frozen=True)
class Candidate:
    name: str
    trees: Trees | None  # None: the linear part alone
    blended: bool  # trees and linear part mixed with ``blend_weight``; False: trees alone (or linear alone)


CANDIDATES = (
    Candidate("blend", "careful", blended=True),
    Candidate("linear", None, blended=False),
    Candidate("histgbm_blend", "histgbm", blended=True),
    Candidate("histgbm", "histgbm", blended=False),
)
BY_NAME = {c.name: c for c in CANDIDATES}

# Inner ROC-AUCs this close to the best count as a tie; ties go to the earliest candidate above
# (the blend first), which keeps the choice stable when the inner folds cannot tell them apart.
TIE_TOLERANCE = 0.002

# LightGBM spelling of sklearn's HistGradientBoostingClassifier defaults.
HISTGBM_PARAMS: dict[str, Any] = {
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "lambda_l2": 0.0,
    "max_bin": 255,
}
HISTGBM_ROUNDS = 100


def weight_on_trees(candidate: Candidate, blend_weight: float) -> float:
    if candidate.trees is None:
        return 0.0
    return blend_weight if candidate.blended else 1.0


def resolve(names: Any) -> tuple[Candidate, ...]:
    """The candidates named (all of them for ``None``), in preference order; unknown names refused."""
    if names is None:
        return CANDIDATES
    wanted = list(names)
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown or not wanted:
        raise ValueError(f"candidates must be a non-empty subset of {list(BY_NAME)}, got {wanted}")
    return tuple(c for c in CANDIDATES if c.name in wanted)


def choose(scores: dict[str, float], candidates: tuple[Candidate, ...]) -> str:
    """The first candidate (in preference order) whose inner score is within the tolerance of the best."""
    best = max(scores.values())
    return next(c.name for c in candidates if scores[c.name] >= best - TIE_TOLERANCE)
