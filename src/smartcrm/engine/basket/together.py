""" "Frequently bought together": for each item, the items most often in the same basket.

Pair counts come from one sparse product ``Xᵀ X`` of the baskets × items matrix, so every pair is
counted at once; pairs are kept when seen in at least ``min_baskets`` baskets and ranked by
lift (how much more often than chance), then by count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def bought_together(lines: pd.DataFrame, *, k: int = 10, min_baskets: int = 2) -> pd.DataFrame:
    """item_id, other_item_id, baskets (together), confidence P(other | item), lift, rank."""
    distinct = lines[["basket_id", "item_id"]].dropna().drop_duplicates()
    empty = pd.DataFrame(columns=["item_id", "other_item_id", "baskets", "confidence", "lift", "rank"])
    if distinct.empty:
        return empty
    basket_codes, baskets = pd.factorize(distinct["basket_id"])
    item_codes, items = pd.factorize(distinct["item_id"])
    matrix = sp.csr_matrix(
        (np.ones(len(distinct), dtype=np.float32), (basket_codes, item_codes)),
        shape=(len(baskets), len(items)),
    )
    pairs = sp.triu(matrix.T @ matrix, k=1).tocoo()
    keep = pairs.data >= min_baskets
    left, right, together = pairs.row[keep], pairs.col[keep], pairs.data[keep]
    if len(together) == 0:
        return empty
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    n = len(baskets)
    both = pd.DataFrame(
        {
            "item": np.concatenate([left, right]),
            "other": np.concatenate([right, left]),
            "baskets": np.concatenate([together, together]).astype(int),
        }
    )
    both["confidence"] = both["baskets"] / counts[both["item"]]
    both["lift"] = both["confidence"] / (counts[both["other"]] / n)
    both = both.sort_values(["item", "lift", "baskets"], ascending=[True, False, False], kind="stable")
    both["rank"] = both.groupby("item").cumcount() + 1
    both = both[both["rank"] <= k]
    return pd.DataFrame(
        {
            "item_id": np.asarray(items)[both["item"]],
            "other_item_id": np.asarray(items)[both["other"]],
            "baskets": both["baskets"].to_numpy(),
            "confidence": both["confidence"].to_numpy(),
            "lift": both["lift"].to_numpy(),
            "rank": both["rank"].to_numpy(),
        }
    )
