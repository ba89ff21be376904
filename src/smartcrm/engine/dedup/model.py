"""The de-duplicator: normalise, block, compare, score, threshold, cluster.

``Deduplicator`` follows the scikit-learn contract: ``fit`` learns the scorer's weights and the
three thresholds from a labelled customer table (a generated corpus with ``entity_id``, or a
user's own table with a cluster column) and returns ``self``; ``score_pairs`` and
``find_duplicates`` then work on any customer table without labels.

Thresholds, chosen on the training table only:
- ``match_threshold_``: the probability that maximises pair F1 (a pair at or above it is a
  duplicate);
- ``auto_merge_threshold_``: the lowest probability whose pairs were at least
  ``auto_merge_precision`` precise (merged without review);
- ``review_threshold_``: pairs from here up to the match threshold go to the review queue, as do
  those between the match and the auto-merge thresholds (the lowest probability for which the
  band below the match threshold still held ``review_precision`` true pairs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from smartcrm.engine.dedup.blocking import RULES, candidate_pairs
from smartcrm.engine.dedup.cluster import guarded_components
from smartcrm.engine.dedup.compare import FIELDS, compare_pairs
from smartcrm.engine.dedup.normalise import normalise_frame
from smartcrm.engine.dedup.scorer import SCORERS, FellegiSunterScorer, LogisticScorer

FORMAT = "smartcrm.dedup/1"
CHUNK = 1_000_000  # pairs compared at a time: bounds the memory of the aligned string arrays
Progress = Callable[[str, float], None]


@dataclass
class DedupResult:
    pairs: pd.DataFrame  # left_id, right_id, probability, rule and one level column per field
    clusters: pd.Series  # id -> cluster label, for ids in a cluster of two or more
    timings: dict[str, float]
    candidates: int


def _noop(stage: str, fraction: float) -> None:
    return None


class Deduplicator:
    def __init__(
        self,
        method: str = "logistic",
        *,
        default_region: str = "US",
        auto_merge_precision: float = 0.999,
        review_precision: float = 0.2,
        max_cluster_size: int = 8,
    ) -> None:
        self.method = method
        self.default_region = default_region
        self.auto_merge_precision = auto_merge_precision
        self.review_precision = review_precision
        self.max_cluster_size = max_cluster_size

    # -- the pair pipeline --------------------------------------------------------------------
    def candidate_levels(
        self, customers: pd.DataFrame, progress: Progress = _noop, timings: dict[str, float] | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(pairs with ids and rule, their comparison levels) for every candidate pair."""
        import time

        timings = timings if timings is not None else {}
        start = time.perf_counter()
        keys = normalise_frame(customers.reset_index(drop=True), self.default_region)
        timings["normalise"] = time.perf_counter() - start
        progress("normalise", 1.0)
        start = time.perf_counter()
        pairs = candidate_pairs(keys, RULES)
        timings["block"] = time.perf_counter() - start
        progress("block", 1.0)
        start = time.perf_counter()
        ids = customers["id"].to_numpy(dtype=np.int64)
        left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
        levels = compare_levels(keys, left, right, progress=progress)
        timings["compare"] = time.perf_counter() - start
        a, b = ids[left], ids[right]
        out = pd.DataFrame({"left_id": np.minimum(a, b), "right_id": np.maximum(a, b), "rule": pairs["rule"]})
        return out, levels

    # -- learning -------------------------------------------------------------------------------
    def fit(self, customers: pd.DataFrame, cluster_column: str = "entity_id") -> Deduplicator:
        if cluster_column not in customers.columns:
            raise ValueError(f"training customers need a {cluster_column!r} column")
        pairs, levels = self.candidate_levels(customers)
        cluster = pd.Series(customers[cluster_column].to_numpy(), index=customers["id"].to_numpy())
        is_match = cluster.loc[pairs["left_id"]].to_numpy() == cluster.loc[pairs["right_id"]].to_numpy()
        scorer_class = SCORERS[self.method]
        self.scorer_: FellegiSunterScorer | LogisticScorer = scorer_class().fit(levels, is_match)
        probability = self.scorer_.predict_match_probability(levels)
        self._choose_thresholds(probability, is_match, _true_pair_count(cluster))
        return self

    def _choose_thresholds(
        self, probability: npt.NDArray[np.float64], is_match: npt.NDArray[np.bool_], n_true: int
    ) -> None:
        order = np.argsort(-probability, kind="stable")
        p, hits = probability[order], np.cumsum(is_match[order])
        counted = np.arange(1, len(p) + 1)
        # only cut between distinct probabilities: the last index of each run of equal values
        last = np.r_[p[1:] != p[:-1], True]
        p, hits, counted = p[last], hits[last], counted[last]
        precision = hits / counted
        recall = hits / max(n_true, 1)
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
        best = int(np.argmax(f1))
        self.match_threshold_ = float(p[best])
        precise = np.flatnonzero(precision >= self.auto_merge_precision)
        self.auto_merge_threshold_ = (
            float(max(p[precise[-1]], self.match_threshold_)) if len(precise) else 1.0
        )
        # The review band [review, match) must itself be worth a reviewer's time: at least
        # ``review_precision`` of the pairs in it true duplicates.
        band = (hits[best + 1 :] - hits[best]) / (counted[best + 1 :] - counted[best])
        worth = np.flatnonzero(band >= self.review_precision)
        self.review_threshold_ = float(p[best + 1 + worth[-1]]) if len(worth) else self.match_threshold_
        self.training_figures_ = {
            "precision": round(float(precision[best]), 4),
            "recall": round(float(recall[best]), 4),
            "f1": round(float(f1[best]), 4),
        }

    # -- persistence ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The fitted state as plain JSON: method, weights per field and level, thresholds."""
        if not hasattr(self, "scorer_"):
            raise RuntimeError("Deduplicator is not fitted yet")
        return {
            "format": FORMAT,
            "method": self.method,
            "intercept": self.scorer_.intercept_,
            "weights": {f: {str(k): v for k, v in w.items()} for f, w in self.scorer_.weights_.items()},
            "thresholds": {
                "match": self.match_threshold_,
                "auto_merge": self.auto_merge_threshold_,
                "review": self.review_threshold_,
            },
            "training": self.training_figures_,
            "max_cluster_size": self.max_cluster_size,
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any], default_region: str = "US") -> Deduplicator:
        if state.get("format") != FORMAT or set(state.get("weights", {})) != set(FIELDS):
            raise ValueError("not a de-duplicator state of this version: refit it")
        model = cls(
            state["method"], default_region=default_region, max_cluster_size=state["max_cluster_size"]
        )
        scorer = SCORERS[state["method"]]()
        scorer.intercept_ = float(state["intercept"])
        scorer.weights_ = {f: {int(k): float(v) for k, v in w.items()} for f, w in state["weights"].items()}
        model.scorer_ = scorer
        model.match_threshold_ = float(state["thresholds"]["match"])
        model.auto_merge_threshold_ = float(state["thresholds"]["auto_merge"])
        model.review_threshold_ = float(state["thresholds"]["review"])
        model.training_figures_ = dict(state["training"])
        return model

    # -- prediction -----------------------------------------------------------------------------
    def score_pairs(
        self, customers: pd.DataFrame, progress: Progress = _noop, timings: dict[str, float] | None = None
    ) -> pd.DataFrame:
        """Every candidate pair with its match probability and levels, most likely first."""
        import time

        if not hasattr(self, "scorer_"):
            raise RuntimeError("Deduplicator is not fitted yet")
        timings = timings if timings is not None else {}
        pairs, levels = self.candidate_levels(customers, progress, timings)
        start = time.perf_counter()
        pairs["probability"] = self.scorer_.predict_match_probability(levels)
        out = pd.concat([pairs, levels], axis=1)
        timings["score"] = time.perf_counter() - start
        progress("score", 1.0)
        return out

    def find_duplicates(
        self, customers: pd.DataFrame, progress: Progress = _noop, min_probability: float | None = None
    ) -> DedupResult:
        """Pairs at or above the review threshold (or ``min_probability``), and the clusters of
        the pairs at or above the match threshold."""
        import time

        timings: dict[str, float] = {}
        scored = self.score_pairs(customers, progress, timings)
        floor = self.review_threshold_ if min_probability is None else min_probability
        kept = scored[scored["probability"] >= floor].sort_values("probability", ascending=False)
        start = time.perf_counter()
        matched = kept[kept["probability"] >= self.match_threshold_]
        clusters = guarded_components(
            matched["left_id"].to_numpy(),
            matched["right_id"].to_numpy(),
            matched["probability"].to_numpy(),
            max_size=self.max_cluster_size,
            join_threshold=self.auto_merge_threshold_,
        )
        clusters = clusters[clusters.groupby(clusters).transform("size") > 1]
        timings["cluster"] = time.perf_counter() - start
        progress("cluster", 1.0)
        return DedupResult(kept.reset_index(drop=True), clusters, timings, candidates=len(scored))


def compare_levels(
    keys: pd.DataFrame,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    common_last: frozenset[str] | None = None,
    progress: Progress = _noop,
) -> pd.DataFrame:
    """The comparison levels of the pairs (positions into ``keys``), ``CHUNK`` pairs at a time."""
    chunks = []
    for lo in range(0, len(left), CHUNK):
        chunks.append(compare_pairs(keys, left[lo : lo + CHUNK], right[lo : lo + CHUNK], common_last))
        progress("compare", min(1.0, (lo + CHUNK) / max(len(left), 1)))
    if not chunks:
        return pd.DataFrame({f: pd.Series(dtype=np.int8) for f in FIELDS})
    return pd.concat(chunks, ignore_index=True)


def _true_pair_count(cluster: pd.Series) -> int:
    sizes = cluster.value_counts().to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())
