"""Top-k ranking metrics with binary relevance: recall@k = hits / |test items|, NDCG@k."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best scores of each row, best first (``-inf`` never wins a tie)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def ranking_metrics(
    score_rows: Callable[[np.ndarray], np.ndarray],
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    k: int = 10,
    batch: int = 1024,
) -> dict[str, float]:
    """Mean recall@k and NDCG@k over users with test items; training items are never ranked.

    ``score_rows(rows)`` returns a dense score block for those user rows (full ranking over all
    items); seen items are masked here so every method is judged the same way.
    """
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    recalls: list[np.ndarray] = []
    ndcgs: list[np.ndarray] = []
    for start in range(0, len(users), batch):
        rows = users[start : start + batch]
        scores = np.array(score_rows(rows), dtype=np.float64, copy=True)
        seen = train[rows]
        scores[seen.nonzero()] = -np.inf
        top = top_k(scores, k)
        relevant = test[rows].toarray() > 0
        hits = np.take_along_axis(relevant, top, axis=1)
        n_relevant = relevant.sum(axis=1)
        recalls.append(hits.sum(axis=1) / n_relevant)
        ideal = np.cumsum(discount)[np.minimum(n_relevant, k) - 1]
        ndcgs.append((hits * discount).sum(axis=1) / ideal)
    return {
        f"recall_at_{k}": float(np.concatenate(recalls).mean()),
        f"ndcg_at_{k}": float(np.concatenate(ndcgs).mean()),
        "users": len(users),
    }
