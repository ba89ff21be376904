"""Market-basket rules: frequent itemsets by FP-growth (mlxtend) and association rules.

Limits keep it fast on a real shop: items seen in fewer baskets than ``min_support`` are dropped
before mining (they cannot be part of a frequent itemset, so nothing is lost), itemsets stop at
``max_len`` items, and at most ``max_items`` of the most frequent items enter the one-hot table
(sparse). Each rule carries support, confidence, lift and conviction (infinite conviction, i.e.
confidence 1, is reported as ``None``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

DENSE_CELLS = 100_000_000  # up to ~100 MB of booleans the one-hot table is dense, past that sparse
RULE_COLUMNS = [
    "antecedents",
    "consequents",
    "support",
    "confidence",
    "lift",
    "conviction",
    "antecedent_support",
    "consequent_support",
    "baskets",
]


def basket_matrix(lines: pd.DataFrame, min_support: float, max_items: int) -> pd.DataFrame:
    """One-hot baskets × frequent items (sparse booleans), the input mlxtend expects."""
    distinct = lines[["basket_id", "item_id"]].dropna().drop_duplicates()
    n_baskets = distinct["basket_id"].nunique()
    counts = distinct["item_id"].value_counts()
    frequent = counts[counts >= max(min_support * n_baskets, 1)].index[:max_items]
    kept = distinct[distinct["item_id"].isin(frequent)]
    rows = pd.Index(distinct["basket_id"].unique())
    columns = pd.Index(frequent)
    matrix = sp.csr_matrix(
        (
            np.ones(len(kept), dtype=bool),
            (rows.get_indexer(kept["basket_id"]), columns.get_indexer(kept["item_id"])),
        ),
        shape=(len(rows), len(columns)),
    )
    names = [str(c) for c in columns]
    if matrix.shape[0] * matrix.shape[1] <= DENSE_CELLS:
        return pd.DataFrame(matrix.toarray(), columns=names)  # dense is several times faster to mine
    return pd.DataFrame.sparse.from_spmatrix(matrix, columns=names)


def mine_rules(
    lines: pd.DataFrame,
    *,
    min_support: float = 0.001,
    min_confidence: float = 0.05,
    min_lift: float = 1.0,
    max_len: int = 3,
    max_items: int = 2_000,
    max_rules: int = 5_000,
) -> pd.DataFrame:
    """Association rules from baskets (``basket_id``, ``item_id``), strongest lift first.

    Antecedents and consequents are tuples of item ids (as strings). Empty when nothing is
    frequent enough.
    """
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    if not 0 < min_support <= 1:
        raise ValueError(f"min_support must be in (0, 1], got {min_support}")
    onehot = basket_matrix(lines, min_support, max_items)
    if onehot.shape[1] < 2:
        return pd.DataFrame(columns=RULE_COLUMNS)
    itemsets = fpgrowth(onehot, min_support=min_support, use_colnames=True, max_len=max_len)
    if itemsets.empty or itemsets["itemsets"].map(len).max() < 2:
        return pd.DataFrame(columns=RULE_COLUMNS)
    # Only the measures we keep; conviction divides by zero when confidence is 1 (reported as None).
    with np.errstate(divide="ignore", invalid="ignore"):
        rules = association_rules(
            itemsets,
            num_itemsets=len(onehot),
            metric="confidence",
            min_threshold=min_confidence,
            return_metrics=[
                "antecedent support",
                "consequent support",
                "support",
                "confidence",
                "lift",
                "conviction",
            ],
        )
    rules = rules[rules["lift"] >= min_lift]
    n_baskets = len(onehot)
    out = pd.DataFrame(
        {
            "antecedents": rules["antecedents"].map(lambda s: tuple(sorted(s))),
            "consequents": rules["consequents"].map(lambda s: tuple(sorted(s))),
            "support": rules["support"].astype(float),
            "confidence": rules["confidence"].astype(float),
            "lift": rules["lift"].astype(float),
            "conviction": rules["conviction"].astype(float).replace([np.inf], np.nan),
            "antecedent_support": rules["antecedent support"].astype(float),
            "consequent_support": rules["consequent support"].astype(float),
            "baskets": np.rint(rules["support"].to_numpy() * n_baskets).astype(int),
        }
    )
    out = out.sort_values(["lift", "confidence", "support"], ascending=False, kind="stable")
    return out.head(max_rules).reset_index(drop=True)


def category_lines(lines: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """Baskets of categories instead of products (``categories`` maps item_id → category)."""
    mapped = lines.assign(item_id=lines["item_id"].map(categories))
    return mapped.dropna(subset=["item_id"]).drop_duplicates(["basket_id", "item_id"])
