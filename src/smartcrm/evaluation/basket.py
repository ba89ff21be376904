"""``smartcrm eval basket``: next-basket recall and association rules on Instacart or your own baskets.

Protocol (the baselines' in the shared data notes): each user's last basket is held out; the
model sees only the earlier baskets (its recency decay is tuned by holding out the last of
*those*) and recommends 10 items; recall@10 = |top-10 ∩ held-out basket| / |held-out basket|,
averaged over users. Measured in the same run on the same split: personal frequency (items by
the number of the user's baskets that held them, ties by item id) and global popularity.

Rules are mined on all baskets of the training part with FP-growth (mlxtend).

``--csv FILE``: basket_id,item_id with optional user_id and order (the basket's sequence number
for its user). Without user_id the file has no customers, so only the rules are computed.
``--horizon H`` holds out each user's last H baskets (their union is the target).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.basket import RepurchaseRecommender, basket_recall, check_baskets, mine_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=["instacart"], help="a public data set (default: instacart)")
    source.add_argument("--csv", help="your own baskets: basket_id,item_id[,user_id][,order]")
    parser.add_argument("--horizon", type=int, default=1, help="baskets held out per user (default 1)")
    parser.add_argument("--min-support", type=float, default=0.002, help="rule mining support (0.002)")
    parser.add_argument("--min-confidence", type=float, default=0.05, help="rule confidence (0.05)")
    parser.add_argument("--users", type=int, help="evaluate on a random sample of this many users")
    parser.add_argument("--seed", type=int, default=0, help="seed of the user sample (default 0)")


def run(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("csv"):
        lines = load_csv(str(options["csv"]))
        dataset = str(options["csv"])
    else:
        from smartcrm.evaluation.datasets import instacart

        lines = instacart.load_order_lines().rename(
            columns={"order_id": "basket_id", "product_id": "item_id", "order_number": "order"}
        )
        dataset = "instacart"
    if options.get("users") and "user_id" in lines.columns:
        users = (
            lines["user_id"]
            .drop_duplicates()
            .sample(
                n=min(int(options["users"]), lines["user_id"].nunique()),
                random_state=int(options.get("seed") or 0),
            )
        )
        lines = lines[lines["user_id"].isin(users)].reset_index(drop=True)
    return {
        "dataset": dataset,
        **evaluate(
            lines,
            horizon=int(options.get("horizon") or 1),
            min_support=float(options.get("min_support") or 0.002),
            min_confidence=float(options.get("min_confidence") or 0.05),
        ),
    }


def evaluate(
    lines: pd.DataFrame,
    *,
    horizon: int = 1,
    min_support: float = 0.002,
    min_confidence: float = 0.05,
    k: int = 10,
) -> dict[str, Any]:
    start = time.perf_counter()
    out: dict[str, Any] = {}
    if "user_id" in lines.columns:
        lines = check_baskets(lines)
        train, test = holdout_last_baskets(lines, horizon)
        model = RepurchaseRecommender().fit(train)
        held_users = test["user_id"].unique()
        recommended = model.recommend(k, held_users)
        out.update(
            {
                "protocol": (
                    f"each user's last {horizon} basket(s) held out; {k} items recommended from the earlier "
                    "baskets; recall = hits / |held-out items|, averaged per user"
                ),
                "model": f"recency-decayed personal frequency (decay {model.decay_}, tuned in training)",
                "next_basket_recall_at_10": round(basket_recall(recommended, test, k), 4),
                "users": len(held_users),
                "baselines": {
                    "personal_frequency": round(basket_recall(personal_frequency(train, k), test, k), 4),
                    "popularity": round(basket_recall(popularity(train, held_users, k), test, k), 4),
                },
                "inner_validation": [
                    {key: round(v, 4) for key, v in row.items()} for row in model.validation_
                ],
            }
        )
    else:
        train = lines
        out["protocol"] = "no user_id column: rules only"
    mined = time.perf_counter()
    rules = mine_rules(train, min_support=min_support, min_confidence=min_confidence)
    out["rules"] = {
        "count": len(rules),
        "min_support": min_support,
        "min_confidence": min_confidence,
        "baskets": int(train["basket_id"].nunique()),
        "seconds": round(time.perf_counter() - mined, 1),
        "top": [_rule_json(row) for row in rules.head(5).itertuples(index=False)],
    }
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out


def holdout_last_baskets(lines: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each user's last ``horizon`` baskets held out (users keep at least one training basket)."""
    if horizon < 1:
        raise ValueError("--horizon must be at least 1")
    rank = lines.groupby("user_id")["order"].rank(method="dense", ascending=False)
    n = lines.groupby("user_id")["order"].transform("nunique")
    is_test = (rank <= horizon) & (n > horizon)
    return lines[~is_test].reset_index(drop=True), lines[is_test].reset_index(drop=True)


def personal_frequency(lines: pd.DataFrame, k: int) -> pd.DataFrame:
    """The baseline: the user's items by how many of their baskets held them (ties: item id)."""
    counts = lines.drop_duplicates(["user_id", "basket_id", "item_id"]).groupby(["user_id", "item_id"]).size()
    ranked = (
        counts.rename("score")
        .reset_index()
        .sort_values(["user_id", "score"], ascending=[True, False], kind="stable")
    )
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    return ranked[ranked["rank"] <= k]


def popularity(lines: pd.DataFrame, users: np.ndarray, k: int) -> pd.DataFrame:
    top = lines.drop_duplicates(["basket_id", "item_id"])["item_id"].value_counts().index[:k]
    return pd.DataFrame(
        {
            "user_id": np.repeat(users, len(top)),
            "item_id": np.tile(np.asarray(top), len(users)),
            "rank": np.tile(np.arange(1, len(top) + 1), len(users)),
        }
    )


def _rule_json(row: Any) -> dict[str, Any]:
    return {
        "antecedents": list(row.antecedents),
        "consequents": list(row.consequents),
        "support": round(float(row.support), 5),
        "confidence": round(float(row.confidence), 4),
        "lift": round(float(row.lift), 2),
        "conviction": None if pd.isna(row.conviction) else round(float(row.conviction), 3),
    }


def load_csv(path: str) -> pd.DataFrame:
    """basket_id,item_id[,user_id][,order]; rows missing an id are reported by file line."""
    if not Path(path).exists():
        raise FileNotFoundError(f"no such file: {path}")
    frame = pd.read_csv(path, dtype={"basket_id": str, "item_id": str, "user_id": str})
    missing = [c for c in ("basket_id", "item_id") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; columns are {list(frame.columns)}")
    required = [c for c in ("basket_id", "item_id", "user_id") if c in frame.columns]
    bad = frame[required].isna().any(axis=1)
    if bad.any():
        lines = (np.flatnonzero(bad.to_numpy()) + 2).tolist()[:10]
        raise ValueError(f"{path}: {int(bad.sum())} row(s) missing {required} (file lines {lines}…)")
    if "order" in frame.columns:
        order = pd.to_numeric(frame["order"], errors="coerce")
        if order.isna().any():
            line = int(np.flatnonzero(order.isna().to_numpy())[0]) + 2
            raise ValueError(f"{path}: 'order' must be a number (line {line})")
        frame["order"] = order
    return frame
