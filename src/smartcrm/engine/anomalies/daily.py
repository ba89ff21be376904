"""Daily shop metrics from the order, refund, ticket and feedback frames.

* ``revenue``: sum of order totals placed that day (cancelled orders left out)
* ``orders``: number of orders placed that day
* ``average_basket``: revenue / orders
* ``refund_rate``: refunds created that day per order of a recent day (refund count / mean
  daily orders over the previous 28 days — the orders that can be returned now; a sale's
  returns arrive weeks after it, so today's orders would be the wrong denominator)
* ``ticket_volume``: support tickets opened that day
* ``recent_orders``: that mean of daily orders over the previous 28 days (the exposure the
  detector scores refunds and tickets against)
* ``negative_share``: share of that day's feedback rows flagged negative (only when a
  ``feedback`` frame with ``created_at, negative`` is given)
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _day(stamps: pd.Series) -> pd.Series:
    return pd.to_datetime(stamps, utc=True).dt.tz_localize(None).dt.floor("D")


def daily_metrics(
    orders: pd.DataFrame,
    refunds: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    *,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per calendar day from the first order to ``end`` (exclusive) or the last order's day."""
    missing = {"placed_at", "status", "total"} - set(orders.columns)
    if missing:
        raise ValueError(f"orders frame lacks columns: {sorted(missing)}")
    live = orders[orders["status"].astype(str) != "cancelled"]
    day = _day(live["placed_at"])
    if day.empty:
        raise ValueError("no orders to compute daily metrics from")
    last = pd.Timestamp(end) - pd.Timedelta(days=1) if end is not None else day.max()
    days = pd.date_range(day.min(), last, freq="D")
    out = pd.DataFrame(index=days)
    out.index.name = "day"
    out["revenue"] = live["total"].astype(float).groupby(day).sum().reindex(days, fill_value=0.0)
    out["orders"] = day.value_counts().reindex(days, fill_value=0).astype(float)
    out["average_basket"] = np.where(out["orders"] > 0, out["revenue"] / out["orders"].clip(lower=1), np.nan)
    out["recent_orders"] = out["orders"].shift(1).rolling(28, min_periods=7).mean()
    if refunds is not None:
        counts = _day(refunds["created_at"]).value_counts().reindex(days, fill_value=0)
        out["refund_rate"] = counts.to_numpy() / out["recent_orders"].clip(lower=1).to_numpy()
    if tickets is not None:
        out["ticket_volume"] = (
            _day(tickets["created_at"]).value_counts().reindex(days, fill_value=0).astype(float)
        )
    if feedback is not None:
        if "negative" not in feedback.columns:
            raise ValueError("feedback frame needs a boolean 'negative' column")
        fday = _day(feedback["created_at"])
        total = fday.value_counts().reindex(days, fill_value=0)
        neg = fday[feedback["negative"].astype(bool).to_numpy()].value_counts().reindex(days, fill_value=0)
        out["negative_share"] = np.where(total > 0, neg / total.clip(lower=1), np.nan)
        out["feedback_count"] = total.astype(float)
    return out
