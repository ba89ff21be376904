"""EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): a closed-form item-item model.

``B = argmin ||W^½ (X − X B)||² + λ||B||²`` with ``diag(B) = 0``. ``W`` optionally down-weights
users with many interactions (``user_weight_power`` γ: weight ``1 / n_u^γ``), so a handful of
heavy users does not dominate the item-item statistics; γ = 0 is the original EASE.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def fit_ease(matrix: sp.csr_matrix, lam: float, user_weight_power: float = 0.0) -> np.ndarray:
    """The item × item weight matrix (float32); score a user row ``x`` with ``x @ B``."""
    counts = np.asarray(matrix.sum(axis=1)).ravel()
    weights = 1.0 / np.maximum(counts, 1.0) ** user_weight_power
    weighted = sp.diags(weights) @ matrix
    gram = np.asarray((matrix.T @ weighted).todense(), dtype=np.float64)
    # λ is scaled by the mean user weight so the same λ means the same shrinkage for any γ.
    gram[np.diag_indices_from(gram)] += lam * float(weights[counts > 0].mean() if (counts > 0).any() else 1)
    precision = np.linalg.inv(gram)
    weights_matrix = -precision / np.diag(precision)
    np.fill_diagonal(weights_matrix, 0.0)
    return weights_matrix.astype(np.float32)
