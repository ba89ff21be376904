"""Business rules applied to ranked candidates before anything is shown or stored.

* out-of-stock, inactive or excluded items are never recommended;
* an item the customer bought recently is dropped, unless it is a repurchase item (something
  customers buy again and again, e.g. consumables);
* at most ``per_category_limit`` items of one category per customer, so a list is not ten
  variants of the same thing.

Candidates keep their order of priority (``rank`` per user); the survivors are re-ranked 1..k.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd


def apply_business_rules(
    candidates: pd.DataFrame,
    *,
    k: int,
    unavailable: Collection[object] = (),
    recent: pd.DataFrame | None = None,
    repurchasable: Collection[object] = (),
    categories: pd.Series | None = None,
    per_category_limit: int | None = None,
) -> pd.DataFrame:
    """Filter and re-rank ``candidates`` (user_id, item_id, rank, …); other columns are kept."""
    out = candidates.sort_values(["user_id", "rank"], kind="stable")
    out = out.drop_duplicates(["user_id", "item_id"])
    if len(unavailable):
        out = out[~out["item_id"].isin(list(unavailable))]
    if recent is not None and not recent.empty:
        just_bought = pd.MultiIndex.from_frame(recent[["user_id", "item_id"]].drop_duplicates())
        pairs = pd.MultiIndex.from_frame(out[["user_id", "item_id"]])
        blocked = pairs.isin(just_bought) & ~out["item_id"].isin(list(repurchasable)).to_numpy()
        out = out[~blocked]
    if per_category_limit is not None and categories is not None:
        category = out["item_id"].map(categories).fillna("(none)")
        within = out.assign(_c=category.to_numpy()).groupby(["user_id", "_c"]).cumcount()
        out = out[within.to_numpy() < per_category_limit]
    out = out.copy()
    out["rank"] = out.groupby("user_id").cumcount() + 1
    return out[out["rank"] <= k].reset_index(drop=True)
