"""Business rules on ranked candidates."""

from __future__ import annotations

import pandas as pd

from smartcrm.engine.recs.rules import apply_business_rules


def candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": [1] * 6 + [2] * 2,
            "item_id": ["a", "b", "c", "d", "e", "f", "a", "b"],
            "rank": [1, 2, 3, 4, 5, 6, 1, 2],
            "reason": ["r"] * 8,
        }
    )


def test_out_of_stock_and_excluded_items_never_survive() -> None:
    out = apply_business_rules(candidates(), k=10, unavailable={"a", "c"})
    assert "a" not in set(out["item_id"]) and "c" not in set(out["item_id"])
    assert out[out["user_id"] == 1]["rank"].tolist() == [1, 2, 3, 4]


def test_just_bought_is_dropped_unless_it_is_repurchased() -> None:
    recent = pd.DataFrame({"user_id": [1, 1], "item_id": ["a", "b"]})
    out = apply_business_rules(candidates(), k=10, recent=recent, repurchasable={"b"})
    user1 = out[out["user_id"] == 1]["item_id"].tolist()
    assert user1[:2] == ["b", "c"] and "a" not in user1
    assert out[out["user_id"] == 2]["item_id"].tolist() == ["a", "b"]  # only user 1 bought them


def test_per_category_limit_and_k() -> None:
    categories = pd.Series({"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"})
    out = apply_business_rules(candidates(), k=3, categories=categories, per_category_limit=2)
    assert out[out["user_id"] == 1]["item_id"].tolist() == ["a", "b", "d"]
    assert out.groupby("user_id").size().max() <= 3
