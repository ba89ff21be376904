"""The NB-LR part's column scaling: the product with a diagonal matrix, without building it."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from smartcrm.engine.nlp.sentiment.base import _scale_columns


def test_scaling_the_columns_of_a_binary_matrix_is_the_product_with_their_diagonal() -> None:
    rng = np.random.default_rng(0)
    X = sp.random(40, 300, density=0.05, format="csr", random_state=1)
    X.data = np.ones_like(X.data)
    ratio = rng.normal(size=300)
    scaled = _scale_columns(X, ratio)
    np.testing.assert_allclose(scaled.toarray(), (X @ sp.diags(ratio)).toarray())
    assert scaled.nnz == X.nnz and X.data.max() == 1.0  # X itself untouched
