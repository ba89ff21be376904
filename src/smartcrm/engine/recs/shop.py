"""Everything a shop shows as recommendations, from its order lines, in one pass.

Per customer, in order of priority:

1. **repurchases that are due** — items the customer bought in two or more orders, of a kind
   customers rebuy (at least ``repurchase_min_rate`` of an item's buyers bought it again), when
   the time since the last purchase reaches ¾ of the customer's own interval: "you buy this every
   ~N days"; ranked by recency-decayed frequency (:mod:`smartcrm.engine.basket.repurchase`);
2. **collaborative filtering** (:class:`CollaborativeRecommender`): "bought with X" when one of
   the customer's past items carries the score, "customers like you" otherwise;
3. **popularity** in the customer's favourite category, then overall, for short histories.

Then the business rules (:mod:`.rules`). Per product: similar items (co-purchase cosine) and
frequently bought together (same basket). A customer with no orders at all gets ``popular``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.basket import RepurchaseRecommender, bought_together

from . import reasons
from .data import InteractionMatrix
from .model import CollaborativeRecommender
from .rules import apply_business_rules
from .similar import similar_items

LINE_COLUMNS = ("customer_id", "order_id", "product_id", "placed_at")
# Each recommendation's reason is a code and its values (:mod:`.reasons`), worded where it is
# shown, in the reader's language.
RESULT_COLUMNS = ["customer_id", "product_id", "rank", "score", "reason_code", "reason_params", "source"]
NO_PARAMS: dict[str, Any] = {}
MIN_CUSTOMERS_TO_TUNE = 200


@dataclass
class ShopRecommendations:
    customers: pd.DataFrame
    popular: pd.DataFrame
    similar: pd.DataFrame
    together: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class FittedShop:
    """Everything learnt from the shop's lines that ranks any one customer's candidates: the
    collaborative model (item weights and item factors only), the repurchase model's decay and
    item popularity, which items are rebought, popular items, categories and availability.
    Its size depends on the catalogue, not on the customers, so every worker scoring a chunk
    of customers holds the same one (:func:`recommend_customers`)."""

    as_of: pd.Timestamp
    k: int
    candidates: int
    recent_days: int
    per_category_limit: int | None
    names: pd.Series
    categories: pd.Series
    unavailable: set[Any]
    popular: pd.DataFrame
    repurchasable: set[Any]
    repurchase: RepurchaseRecommender | None
    collaborative: CollaborativeRecommender | None
    collaborative_summary: dict[str, Any]
    similar: pd.DataFrame
    together: pd.DataFrame


def recommend_for_shop(
    lines: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    k: int = 10,
    candidates: int = 30,
    recent_days: int = 30,
    per_category_limit: int | None = 3,
    repurchase_min_rate: float = 0.2,
    max_items: int = 5_000,
    random_state: int = 0,
) -> ShopRecommendations:
    """``lines``: customer_id, order_id, product_id, placed_at; ``products``: product_id, name,
    category, available (False = out of stock, inactive or excluded). :func:`fit_shop` on every
    line, then :func:`recommend_customers` for every customer at once."""
    fitted = fit_shop(
        lines,
        products,
        as_of=as_of,
        k=k,
        candidates=candidates,
        recent_days=recent_days,
        per_category_limit=per_category_limit,
        repurchase_min_rate=repurchase_min_rate,
        max_items=max_items,
        random_state=random_state,
    )
    if _usable(lines, as_of).empty:
        empty = pd.DataFrame(columns=RESULT_COLUMNS)
        return ShopRecommendations(empty, fitted.popular, fitted.similar, fitted.together, {"customers": 0})
    chosen = recommend_customers(fitted, lines)
    summary = {
        "customers": int(chosen["customer_id"].nunique()),
        "recommendations": len(chosen),
        "by_source": {str(k_): int(v) for k_, v in chosen["source"].value_counts().items()},
        "repurchasable_items": len(fitted.repurchasable),
        "collaborative": fitted.collaborative_summary,
    }
    return ShopRecommendations(chosen, fitted.popular, fitted.similar, fitted.together, summary)


def _usable(lines: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    missing = [c for c in LINE_COLUMNS if c not in lines.columns]
    if missing:
        raise ValueError(f"order lines need columns {list(LINE_COLUMNS)}; missing {missing}")
    lines = lines.dropna(subset=list(LINE_COLUMNS))
    return lines[lines["placed_at"] <= as_of]


def fit_shop(
    lines: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    k: int = 10,
    candidates: int = 30,
    recent_days: int = 30,
    per_category_limit: int | None = 3,
    repurchase_min_rate: float = 0.2,
    max_items: int = 5_000,
    random_state: int = 0,
) -> FittedShop:
    """Learn from ``lines`` (every customer's, or a sample's) what ranks any customer's items."""
    lines = _usable(lines, as_of)
    names = products.set_index("product_id")["name"] if "name" in products else pd.Series(dtype=object)
    categories = products.set_index("product_id")["category"]
    unavailable = set(products.loc[~products["available"].astype(bool), "product_id"])
    popular = _popular(lines, unavailable, categories, k)
    fitted = FittedShop(
        as_of=as_of,
        k=k,
        candidates=candidates,
        recent_days=recent_days,
        per_category_limit=per_category_limit,
        names=names,
        categories=categories,
        unavailable=unavailable,
        popular=popular,
        repurchasable=set(),
        repurchase=None,
        collaborative=None,
        collaborative_summary={},
        similar=_empty_pairs(),
        together=_empty_pairs(),
    )
    if lines.empty:
        return fitted
    fitted.repurchasable, fitted.repurchase = _fit_repurchases(lines, repurchase_min_rate)
    fitted.collaborative, fitted.collaborative_summary = _fit_collaborative(lines, max_items, random_state)
    interactions = InteractionMatrix.from_frame(
        lines.rename(columns={"customer_id": "user_id", "product_id": "item_id"})
    )
    similar = similar_items(interactions.matrix, interactions.items, k=k)
    fitted.similar = similar[~similar["other_item_id"].isin(list(unavailable))]
    together = bought_together(lines.rename(columns={"order_id": "basket_id", "product_id": "item_id"}), k=k)
    fitted.together = together[~together["other_item_id"].isin(list(unavailable))]
    return fitted


def recommend_customers(fitted: FittedShop, lines: pd.DataFrame) -> pd.DataFrame:
    """The top-k of every customer in ``lines`` (all their lines: a chunk of customers, or the
    whole shop): customer_id, product_id, rank, score, reason, source. A customer's rows depend
    on their own lines and ``fitted`` only, never on who else is in ``lines``."""
    lines = _usable(lines, fitted.as_of)
    if lines.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    as_of, k = fitted.as_of, fitted.k
    repurchase = _due_repurchases(lines, as_of, k, fitted.repurchasable, fitted.repurchase)
    collaborative = _collaborative(lines, fitted.names, fitted.candidates, fitted.collaborative)
    fallback = _category_fallback(lines, fitted.popular, fitted.categories, fitted.candidates)
    ranked = pd.concat([repurchase, collaborative, fallback], ignore_index=True)
    ranked["rank"] = ranked.groupby("customer_id").cumcount() + 1
    recent = lines[lines["placed_at"] > as_of - pd.Timedelta(days=fitted.recent_days)]
    chosen = apply_business_rules(
        ranked.rename(columns={"customer_id": "user_id", "product_id": "item_id"}),
        k=k,
        unavailable=fitted.unavailable,
        recent=recent.rename(columns={"customer_id": "user_id", "product_id": "item_id"}),
        repurchasable=fitted.repurchasable,
        categories=fitted.categories,
        per_category_limit=fitted.per_category_limit,
    ).rename(columns={"user_id": "customer_id", "item_id": "product_id"})
    return chosen[RESULT_COLUMNS]


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(columns=["item_id", "other_item_id", "score", "rank"])


def _popular(lines: pd.DataFrame, unavailable: set[Any], categories: pd.Series, k: int) -> pd.DataFrame:
    """The most-bought available items overall (the new-customer fallback), with their category."""
    counts = lines.drop_duplicates(["customer_id", "product_id"])["product_id"].value_counts()
    counts = counts[~counts.index.isin(list(unavailable))]
    top = counts.head(max(k * 5, 50))
    return pd.DataFrame(
        {
            "product_id": top.index.to_numpy(),
            "customers": top.to_numpy(),
            "category": top.index.map(categories).to_numpy(),
            "rank": np.arange(1, len(top) + 1),
        }
    )


def _fit_repurchases(lines: pd.DataFrame, min_rate: float) -> tuple[set[Any], RepurchaseRecommender | None]:
    """Items customers rebuy, and the repurchase model (decay, item popularity) fitted on every
    basket of ``lines``."""
    orders = lines.drop_duplicates(["customer_id", "order_id", "product_id"])
    per_buyer = orders.groupby(["product_id", "customer_id"]).size()
    rebuy_rate = (per_buyer >= 2).groupby(level="product_id").mean()
    buyers = per_buyer.groupby(level="product_id").size()
    repurchasable = set(rebuy_rate[(rebuy_rate >= min_rate) & (buyers >= 3)].index)
    if not repurchasable:
        return repurchasable, None
    model = RepurchaseRecommender(fill_with_popular=False).fit(_baskets(orders))
    return repurchasable, model.without_history()


def _baskets(orders: pd.DataFrame) -> pd.DataFrame:
    baskets = orders.rename(
        columns={"order_id": "basket_id", "product_id": "item_id", "customer_id": "user_id"}
    )
    return baskets.assign(order=baskets.groupby("user_id")["placed_at"].rank(method="dense"))


def _due_repurchases(
    lines: pd.DataFrame,
    as_of: pd.Timestamp,
    k: int,
    repurchasable: set[Any],
    model: RepurchaseRecommender | None,
) -> pd.DataFrame:
    if model is None:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    orders = lines.drop_duplicates(["customer_id", "order_id", "product_id"])
    dates = orders.assign(day=orders["placed_at"].dt.normalize()).drop_duplicates(
        ["customer_id", "product_id", "day"]
    )
    dates = dates[dates["product_id"].isin(list(repurchasable))].sort_values("day")
    gaps = dates.groupby(["customer_id", "product_id"])["day"].diff().dt.days
    cycle = gaps.groupby([dates["customer_id"], dates["product_id"]]).median().dropna().rename("cycle")
    last = dates.groupby(["customer_id", "product_id"])["day"].max().rename("last")
    due = pd.concat([cycle, last], axis=1, join="inner").reset_index()
    due = due[(due["cycle"] > 0) & ((as_of.normalize() - due["last"]).dt.days >= 0.75 * due["cycle"])]
    if due.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    baskets = _baskets(orders[orders["customer_id"].isin(due["customer_id"].unique())])
    scored = model.recommend_from(baskets, k=max(k * 3, 30))
    scored = scored.rename(columns={"user_id": "customer_id", "item_id": "product_id"})
    scored = scored.merge(due, on=["customer_id", "product_id"], how="inner")
    scored = scored.sort_values(["customer_id", "score"], ascending=[True, False], kind="stable")
    scored = scored.groupby("customer_id").head(max(1, k // 2))
    return pd.DataFrame(
        {
            "customer_id": scored["customer_id"].to_numpy(),
            "product_id": scored["product_id"].to_numpy(),
            "score": scored["score"].to_numpy(dtype=float),
            "reason_code": reasons.REPURCHASE,
            "reason_params": [{"days": max(1, round(c))} for c in scored["cycle"]],
            "source": "repurchase",
        }
    )


def _fit_collaborative(
    lines: pd.DataFrame, max_items: int, random_state: int
) -> tuple[CollaborativeRecommender | None, dict[str, Any]]:
    interactions = lines.rename(columns={"customer_id": "user_id", "product_id": "item_id"})
    pairs = interactions[["user_id", "item_id"]].drop_duplicates()
    if pairs["item_id"].nunique() < 3:
        return None, {"skipped": "fewer than three products bought"}
    enough = int((pairs.groupby("user_id").size() >= 3).sum()) >= MIN_CUSTOMERS_TO_TUNE
    model = CollaborativeRecommender(tune=enough, max_items=max_items, random_state=random_state).fit(pairs)
    summary = {k: v for k, v in model.summary().items() if k != "validation"}
    summary["tuned"] = enough
    summary["validation"] = model.validation_[-3:] if enough else []
    return model.for_scoring(), summary


def _collaborative(
    lines: pd.DataFrame, names: pd.Series, candidates: int, model: CollaborativeRecommender | None
) -> pd.DataFrame:
    if model is None:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    interactions = lines.rename(columns={"customer_id": "user_id", "product_id": "item_id"})
    top, histories = model.recommend_histories(interactions, k=candidates)
    anchors = _anchors(model, histories, top)
    codes = [reasons.LIKE_YOU if anchor is None else reasons.BOUGHT_WITH for anchor in anchors]
    params = [
        NO_PARAMS if anchor is None else {"product": str(names.get(anchor, anchor))} for anchor in anchors
    ]
    return pd.DataFrame(
        {
            "customer_id": top["user_id"].to_numpy(),
            "product_id": top["item_id"].to_numpy(),
            "score": top["score"].to_numpy(dtype=float),
            "reason_code": codes,
            "reason_params": params,
            "source": "collaborative",
        }
    )


def _anchors(model: CollaborativeRecommender, data: InteractionMatrix, top: pd.DataFrame) -> list[Any | None]:
    """For each (user, item) row, the user's past item with the largest EASE weight to it.

    One small matrix slice per user (history × that user's candidates), so the loop runs once
    per customer, not once per recommendation.
    """
    rows = data.rows_for(top["user_id"].to_numpy())
    columns = pd.Index(data.items).get_indexer(pd.Index(top["item_id"]))
    anchors = np.full(len(top), -1)
    matrix, weights = data.matrix, model.item_weights_
    boundaries = np.flatnonzero(np.diff(rows)) + 1
    for block in np.split(np.arange(len(rows)), boundaries):
        if len(block) == 0:
            continue
        row = rows[block[0]]
        history = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        if len(history) == 0:
            continue
        contributions = weights[np.ix_(history, columns[block])]
        best = contributions.argmax(axis=0)
        positive = contributions[best, np.arange(len(block))] > 0
        anchors[block[positive]] = history[best[positive]]
    return [data.items[a] if a >= 0 else None for a in anchors]


def _category_fallback(
    lines: pd.DataFrame, popular: pd.DataFrame, categories: pd.Series, candidates: int
) -> pd.DataFrame:
    """Popular items of each customer's most-bought category, then overall popular items."""
    bought = lines[["customer_id", "product_id"]].drop_duplicates()
    favourite = (
        bought.assign(category=bought["product_id"].map(categories))
        .dropna(subset=["category"])
        .groupby("customer_id")["category"]
        .agg(lambda s: s.value_counts().index[0])
    )
    in_category = popular.dropna(subset=["category"])
    by_category = favourite.rename("category").reset_index().merge(in_category, on="category", how="inner")
    by_category = by_category.assign(
        reason_code=reasons.POPULAR_IN,
        reason_params=[{"category": str(c)} for c in by_category["category"]],
    )
    customers = bought["customer_id"].unique()
    overall = popular.head(candidates)
    everyone = pd.DataFrame(
        {
            "customer_id": np.repeat(customers, len(overall)),
            "product_id": np.tile(overall["product_id"].to_numpy(), len(customers)),
            "rank": np.tile(overall["rank"].to_numpy(), len(customers)),
            "reason_code": reasons.POPULAR,
            "reason_params": [NO_PARAMS] * (len(customers) * len(overall)),
        }
    )
    both = pd.concat([by_category.sort_values(["customer_id", "rank"]), everyone], ignore_index=True)
    both = both.assign(score=0.0, source="popular")
    return both[["customer_id", "product_id", "score", "reason_code", "reason_params", "source"]]
