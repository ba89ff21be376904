"""Implicit ALS (Hu, Koren & Volinsky 2008) from the ``implicit`` package, averaged over seeds.

A factor model makes different mistakes from EASE's item-item weights; the two blend well.
Averaging a few seeds removes most of ALS's run-to-run variance at little cost.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits


def fit_ials(
    matrix: sp.csr_matrix,
    *,
    factors: int,
    regularization: float,
    alpha: float = 1.0,
    iterations: int = 20,
    seeds: int = 3,
    random_state: int = 0,
    n_jobs: int = 1,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(user factors, item factors) for each seed; a user's score is ``U[u] @ V.T``.

    The user factors returned are folded in against the *final* item factors (:func:`fold_in`),
    not the ones ALS's last sweep left (solved against the item factors before their last
    update): so a customer scored later from their history alone, by a worker that holds only
    the item factors, gets exactly the factors training gave them.
    """
    from implicit.cpu.als import AlternatingLeastSquares

    models = []
    # implicit runs its own threads; BLAS threads on top of them only oversubscribe the cores.
    with threadpool_limits(1, "blas"):
        for seed in range(seeds):
            model = AlternatingLeastSquares(
                factors=factors,
                regularization=regularization,
                alpha=alpha,
                iterations=iterations,
                random_state=random_state + seed,
                num_threads=n_jobs,
                calculate_training_loss=False,
            )
            model.fit(matrix.astype(np.float32), show_progress=False)
            items = np.asarray(model.item_factors, dtype=np.float32)
            models.append((fold_in(items, matrix, regularization=regularization, alpha=alpha), items))
    return models


def fold_in(
    item_factors: np.ndarray, histories: sp.csr_matrix, *, regularization: float, alpha: float = 1.0
) -> np.ndarray:
    """Each history row's user factors: the least-squares solution against fixed item factors
    (one small Cholesky solve per user, independent of every other user)."""
    from implicit.cpu.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=item_factors.shape[1], regularization=regularization, alpha=alpha, num_threads=1
    )
    model.item_factors = np.ascontiguousarray(item_factors, dtype=np.float32)
    if histories.shape[0] == 0:
        return np.zeros((0, item_factors.shape[1]), dtype=np.float32)
    with threadpool_limits(1, "blas"):
        rows = model.recalculate_user(np.arange(histories.shape[0]), histories.astype(np.float32).tocsr())
    return np.asarray(rows, dtype=np.float32)
