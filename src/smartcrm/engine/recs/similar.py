"""Similar items: cosine similarity of the items' customer columns, shrunk for rare items.

``sim(i, j) = |Ui ∩ Uj| / (sqrt(|Ui| |Uj|) + shrink)`` — the shrink term keeps an item bought by
two customers from looking identical to another bought by the same two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def similar_items(
    matrix: sp.csr_matrix, items: np.ndarray, *, k: int = 10, shrink: float = 10.0, min_common: int = 1
) -> pd.DataFrame:
    """item_id, other_item_id, score, common (customers who have both), rank (1 = most similar)."""
    binary = matrix.astype(np.float32).tocsc()
    co = (binary.T @ binary).tocoo()
    off_diagonal = (co.row != co.col) & (co.data >= min_common)
    left, right, common = co.row[off_diagonal], co.col[off_diagonal], co.data[off_diagonal]
    counts = np.asarray(binary.sum(axis=0)).ravel()
    score = common / (np.sqrt(counts[left] * counts[right]) + shrink)
    frame = pd.DataFrame({"item": left, "other": right, "score": score, "common": common.astype(int)})
    frame = frame.sort_values(["item", "score"], ascending=[True, False], kind="stable")
    frame["rank"] = frame.groupby("item").cumcount() + 1
    frame = frame[frame["rank"] <= k]
    return pd.DataFrame(
        {
            "item_id": items[frame["item"].to_numpy()],
            "other_item_id": items[frame["other"].to_numpy()],
            "score": frame["score"].to_numpy(),
            "common": frame["common"].to_numpy(),
            "rank": frame["rank"].to_numpy(),
        }
    )
