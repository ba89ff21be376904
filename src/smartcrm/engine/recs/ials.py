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
    """(user factors, item factors) for each seed; a user's score is ``U[u] @ V.T``."""
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
            models.append(
                (
                    np.asarray(model.user_factors, dtype=np.float32),
                    np.asarray(model.item_factors, dtype=np.float32),
                )
            )
    return models
