"""Training frames for a non-contractual shop: labels from transactions at rolling as-of dates.

A shop without subscriptions never sees a customer cancel; churn is "no purchase in the next N
days". For each as-of date we take the customers who bought at least once on or before it,
compute their features from transactions on or before it *only* (the feature function is handed
the truncated history, so it cannot peek), and label them from what happened in
``(as_of, as_of + horizon]``. Stacking several as-of dates gives more rows and lets the model
learn from different seasons; score today's customers with ``as_of = today``.

Transactions are one row per purchase: ``customer_id``, ``date``, ``amount`` and optionally
``category``. The features here are deliberately small (recency, frequency, monetary value,
tenure, inter-purchase gaps, recent activity, category concentration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.wording import gettext_noop

FeatureFunction = Callable[[pd.DataFrame, pd.Timestamp], pd.DataFrame]

REQUIRED = ("customer_id", "date", "amount")
RECENT_DAYS = 90

# Phrasing of each feature in explanations; pass as ``PropensityModel(templates=RFM_TEMPLATES)``.
RFM_TEMPLATES = {
    "recency_days": gettext_noop("no purchase for {value} days"),
    "frequency": gettext_noop("orders so far: {value}"),
    "monetary_sum": gettext_noop("{value} spent in total"),
    "monetary_mean": gettext_noop("{value} spent per order on average"),
    "tenure_days": gettext_noop("first purchase {value} days ago"),
    "mean_gap_days": gettext_noop("{value} days between orders on average"),
    "gap_trend_days": gettext_noop("last gap minus the usual gap: {value} days"),
    "orders_last_90d": gettext_noop("orders in the last 90 days: {value}"),
    "top_category_share": gettext_noop("share of orders in the favourite category: {value}"),
}


def _transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in transactions.columns]
    if missing:
        raise ValueError(f"transactions need columns {list(REQUIRED)}; missing {missing}")
    columns = [*REQUIRED, *(["category"] if "category" in transactions.columns else [])]
    frame = transactions[columns].copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame["amount"] = pd.to_numeric(frame["amount"], errors="raise").astype(float)
    if frame["date"].isna().any() or frame["customer_id"].isna().any():
        raise ValueError("transactions have rows without a customer_id or a date")
    return frame


def rfm_features(history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Features per customer from purchases on or before ``as_of`` (later rows are ignored)."""
    tx = _transactions(history)
    tx = tx[tx["date"] <= as_of].sort_values(["customer_id", "date"], kind="stable")
    grouped = tx.groupby("customer_id", sort=True)
    first = grouped["date"].min()
    last = grouped["date"].max()
    count = grouped.size()
    out = pd.DataFrame(index=count.index)
    out["recency_days"] = (as_of - last).dt.days.astype(float)
    out["frequency"] = count.astype(float)
    out["monetary_sum"] = grouped["amount"].sum()
    out["monetary_mean"] = grouped["amount"].mean()
    out["tenure_days"] = (as_of - first).dt.days.astype(float)
    gaps = tx.groupby("customer_id")["date"].diff().dt.days
    tx = tx.assign(gap=gaps)
    with_gaps = tx.dropna(subset=["gap"]).groupby("customer_id")["gap"]
    out["mean_gap_days"] = with_gaps.mean().reindex(out.index)
    # Last gap minus the mean of the earlier ones: positive when the customer is slowing down.
    last_gap = with_gaps.last()
    earlier_mean = (with_gaps.sum() - last_gap) / (with_gaps.count() - 1).where(lambda n: n > 0)
    out["gap_trend_days"] = (last_gap - earlier_mean).reindex(out.index)
    recent = tx[tx["date"] > as_of - pd.Timedelta(days=RECENT_DAYS)]
    out["orders_last_90d"] = (
        recent.groupby("customer_id").size().reindex(out.index, fill_value=0).astype(float)
    )
    if "category" in tx.columns:
        per_category = tx.groupby(["customer_id", "category"]).size()
        out["top_category_share"] = (per_category.groupby(level=0).max() / count).reindex(out.index)
    out.index.name = "customer_id"
    return out


def checked_as_of_dates(
    as_of_dates: Iterable[Any], horizon_days: int, data_end: pd.Timestamp
) -> list[pd.Timestamp]:
    """The as-of dates as timestamps, refusing any whose label window runs past the data."""
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be positive, got {horizon_days}")
    dates = [pd.Timestamp(d) for d in as_of_dates]
    if not dates:
        raise ValueError("give at least one as-of date")
    censored = [d for d in dates if d + pd.Timedelta(days=horizon_days) > data_end]
    if censored:
        raise ValueError(
            f"as-of dates {[str(d.date()) for d in censored]} plus {horizon_days} days run past the end "
            f"of the data ({data_end.date()}); their labels would be unknown"
        )
    return dates


def _build(
    transactions: pd.DataFrame,
    as_of_dates: Iterable[Any],
    horizon_days: int,
    features: FeatureFunction | None,
    data_end: Any,
    label: str,
    labeller: Callable[[pd.Index, pd.DataFrame], np.ndarray],
) -> pd.DataFrame:
    source = transactions.reset_index(drop=True)
    tx = _transactions(source)
    end = pd.Timestamp(data_end) if data_end is not None else tx["date"].max()
    compute = features or rfm_features
    frames = []
    for as_of in checked_as_of_dates(as_of_dates, horizon_days, end):
        seen = (tx["date"] <= as_of).to_numpy()
        if not seen.any():
            continue
        past = source[seen]
        customers = pd.Index(tx.loc[seen, "customer_id"].unique())
        feats = compute(past, as_of).reindex(customers)
        window = tx[(tx["date"] > as_of) & (tx["date"] <= as_of + pd.Timedelta(days=horizon_days))]
        frame = feats.reset_index(names="customer_id")
        frame.insert(1, "as_of", as_of)
        frame[label] = labeller(customers, window)
        frames.append(frame)
    if not frames:
        raise ValueError("no customer bought anything on or before the as-of dates")
    return pd.concat(frames, ignore_index=True)


def build_churn_training_frame(
    transactions: pd.DataFrame,
    as_of_dates: Iterable[Any],
    horizon_days: int,
    features: FeatureFunction | None = None,
    data_end: Any = None,
) -> pd.DataFrame:
    """Rows ``customer_id, as_of, <features…>, churned``; churned = no purchase in the horizon.

    ``features(history, as_of)`` returns one row per customer (index ``customer_id``) and only
    ever sees transactions on or before ``as_of``; it defaults to :func:`rfm_features`.
    ``data_end`` (default: the last transaction date) guards against as-of dates whose horizon
    is not fully observed.
    """

    def churned(customers: pd.Index, window: pd.DataFrame) -> np.ndarray:
        return np.asarray(~customers.isin(window["customer_id"].unique()))

    return _build(transactions, as_of_dates, horizon_days, features, data_end, "churned", churned)


def build_purchase_training_frame(
    transactions: pd.DataFrame,
    as_of_dates: Iterable[Any],
    horizon_days: int = 30,
    category: str | None = None,
    features: FeatureFunction | None = None,
    data_end: Any = None,
) -> pd.DataFrame:
    """Rows ``customer_id, as_of, <features…>, purchased``: bought (in ``category``) in the horizon."""
    if category is not None and "category" not in transactions.columns:
        raise ValueError("a category target needs a 'category' column in the transactions")

    def purchased(customers: pd.Index, window: pd.DataFrame) -> np.ndarray:
        if category is not None:
            window = window[window["category"] == category]
        return np.asarray(customers.isin(window["customer_id"].unique()))

    return _build(transactions, as_of_dates, horizon_days, features, data_end, "purchased", purchased)
