"""Category propensity: the chance that a customer buys *in a given category* in the next N days.

One model for every category rather than one per category: rows are (customer, category)
pairs, so a small category borrows strength from the others and a shop with fifty categories
trains one model, not fifty. Each row joins the customer's overall purchase features
(:func:`.labels.rfm_features`) with how that customer relates to that category — orders in it,
share of their orders, days since they last bought in it, spend — and the category's own
recent share of the shop's orders (what is in season). The category itself is a native
categorical column, so the model also learns each category's base rate.

Input transactions are one row per purchase *per category*: ``customer_id``, ``date``,
``category`` and ``amount`` (the spend in that category on that order). Everything is computed
from rows on or before the as-of date only; labels come from ``(as_of, as_of + horizon]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.wording import gettext_noop

from .labels import RECENT_DAYS, RFM_TEMPLATES, checked_as_of_dates, rfm_features

REQUIRED = ("customer_id", "date", "category", "amount")
LABEL = "purchased"

CATEGORY_TEMPLATES = {
    **RFM_TEMPLATES,
    "category": gettext_noop("the category itself ({value})"),
    "category_orders": gettext_noop("orders in this category so far: {value}"),
    "category_share": gettext_noop("share of their orders in this category: {value}"),
    "category_recency_days": gettext_noop("last bought in this category {value} days ago"),
    "category_spend": gettext_noop("{value} spent in this category"),
    "category_trend_share": gettext_noop("this category's share of the shop's recent orders: {value}"),
}


def _category_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in transactions.columns]
    if missing:
        raise ValueError(f"category transactions need columns {list(REQUIRED)}; missing {missing}")
    frame = transactions[list(REQUIRED)].dropna(subset=["category"]).copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame["category"] = frame["category"].astype(str)
    frame["amount"] = pd.to_numeric(frame["amount"], errors="raise").astype(float)
    if frame["date"].isna().any() or frame["customer_id"].isna().any():
        raise ValueError("category transactions have rows without a customer_id or a date")
    return frame


def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day (an order), the input of the customer-level features."""
    return tx.groupby(["customer_id", "date"], as_index=False, sort=False)["amount"].sum()


def category_features(
    transactions: pd.DataFrame,
    as_of: pd.Timestamp,
    categories: Sequence[str],
    customers: pd.Index | None = None,
    trend: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per (customer, category) from purchases on or before ``as_of``.

    ``customers`` limits the rows (default: everyone who bought on or before ``as_of``);
    ``categories`` fixes the category list so that training and scoring agree; ``trend``
    (category → share of recent purchases, :func:`category_trend`) gives the shop's trend
    when ``transactions`` hold only some of its customers.
    """
    tx = _category_transactions(transactions)
    tx = tx[tx["date"] <= as_of]
    per_customer = rfm_features(_orders(tx), as_of)
    if customers is not None:
        per_customer = per_customer.reindex(customers).dropna(how="all")
    if per_customer.empty:
        return pd.DataFrame()
    tx = tx[tx["customer_id"].isin(per_customer.index) & tx["category"].isin(categories)]
    grouped = tx.groupby(["customer_id", "category"], sort=False)
    pair = pd.DataFrame(
        {
            "category_orders": grouped["date"].nunique().astype(float),
            "category_spend": grouped["amount"].sum(),
            "category_recency_days": (as_of - grouped["date"].max()).dt.days.astype(float),
        }
    )
    if trend is None:
        trend = _recent_shares(tx, as_of, categories)

    index = pd.MultiIndex.from_product(
        [per_customer.index, list(categories)], names=["customer_id", "category"]
    )
    out = per_customer.reindex(index.get_level_values(0))
    out.index = index
    out = out.join(pair)
    out["category_orders"] = out["category_orders"].fillna(0.0)
    out["category_spend"] = out["category_spend"].fillna(0.0)
    # No purchase in the category: recency stays missing (the model learns "never"), share is 0.
    out["category_share"] = out["category_orders"] / out["frequency"]
    out["category_trend_share"] = trend.reindex(index.get_level_values(1)).to_numpy()
    out = out.reset_index(level="category")
    out["category"] = pd.Categorical(out["category"], categories=list(categories))
    return out


def category_trend(transactions: pd.DataFrame, as_of: pd.Timestamp, categories: Sequence[str]) -> pd.Series:
    """Each category's share of the purchases in the RECENT_DAYS before ``as_of``."""
    tx = _category_transactions(transactions)
    return _recent_shares(tx[(tx["date"] <= as_of) & tx["category"].isin(categories)], as_of, categories)


def _recent_shares(tx: pd.DataFrame, as_of: pd.Timestamp, categories: Sequence[str]) -> pd.Series:
    recent = tx[tx["date"] > as_of - pd.Timedelta(days=RECENT_DAYS)]
    return recent["category"].value_counts(normalize=True).reindex(list(categories), fill_value=0.0)


def top_categories(transactions: pd.DataFrame, limit: int) -> list[str]:
    """The ``limit`` categories with the most purchases: the ones worth a model row each."""
    counts = _category_transactions(transactions)["category"].value_counts()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))  # ties: alphabetical
    return sorted(name for name, _ in ranked[:limit])


def build_category_training_frame(
    transactions: pd.DataFrame,
    as_of_dates: Iterable[Any],
    horizon_days: int,
    categories: Sequence[str],
    data_end: Any = None,
) -> pd.DataFrame:
    """Rows ``customer_id, as_of, category, <features…>, purchased`` for every as-of date."""
    tx = _category_transactions(transactions)
    end = pd.Timestamp(data_end) if data_end is not None else tx["date"].max()
    frames = []
    for as_of in checked_as_of_dates(as_of_dates, horizon_days, end):
        features = category_features(tx, as_of, categories)
        if features.empty:
            continue
        window = tx[(tx["date"] > as_of) & (tx["date"] <= as_of + pd.Timedelta(days=horizon_days))]
        bought = pd.MultiIndex.from_frame(window[["customer_id", "category"]].drop_duplicates())
        keys = pd.MultiIndex.from_arrays([features.index, features["category"].astype(str)])
        frame = features.reset_index(names="customer_id")
        frame.insert(1, "as_of", as_of)
        frame[LABEL] = keys.isin(bought)
        frames.append(frame)
    if not frames:
        raise ValueError("no customer bought anything on or before the as-of dates")
    return pd.concat(frames, ignore_index=True)


def customer_chunks(customers: pd.Index, size: int) -> Iterator[pd.Index]:
    """Customers in slices, so scoring every (customer, category) pair keeps memory flat."""
    for start in range(0, len(customers), size):
        yield customers[start : start + size]


def top_per_customer(
    customer_ids: np.ndarray, categories: np.ndarray, probability: np.ndarray, k: int
) -> pd.DataFrame:
    """The ``k`` most likely categories of each customer, best first, with their rank (1…k)."""
    frame = pd.DataFrame({"customer_id": customer_ids, "category": categories, "probability": probability})
    frame = frame.sort_values(["customer_id", "probability"], ascending=[True, False], kind="stable")
    frame["rank"] = frame.groupby("customer_id").cumcount() + 1
    return frame[frame["rank"] <= k].reset_index(drop=True)
