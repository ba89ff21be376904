"""How a customer has sounded lately, as of a date: sentiment features for churn and propensity.

Input: one row per analysed text (ticket, message, review, survey answer) with ``customer_id``,
``at`` (when the customer wrote it, naive UTC), ``score`` (sentiment in [-1, 1]), ``negative`` (bool) and
``is_ticket`` (bool). Only texts written on or before the as-of day are read, so the features can
feed a model trained at that date. Customers without texts get 0 counts and missing scores
(the models learn "never wrote" from the missing values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcrm.engine.wording import gettext_noop

REQUIRED = ("customer_id", "at", "score", "negative", "is_ticket")
WINDOW_DAYS = 90
COLUMNS = (
    "texts_90d",
    "negative_texts_90d",
    "negative_tickets_90d",
    "mean_sentiment_90d",
    "last_sentiment",
    "days_since_negative",
)

TEXT_TEMPLATES = {
    "texts_90d": gettext_noop("messages and reviews in the last 90 days: {value}"),
    "negative_texts_90d": gettext_noop("negative messages or reviews in the last 90 days: {value}"),
    "negative_tickets_90d": gettext_noop("negative support tickets in the last 90 days: {value}"),
    "mean_sentiment_90d": gettext_noop("average sentiment of the last 90 days: {value}"),
    "last_sentiment": gettext_noop("sentiment of their latest message: {value}"),
    "days_since_negative": gettext_noop("last negative message {value} days ago"),
}


def text_sentiment_features(texts: pd.DataFrame, as_of: pd.Timestamp, customers: pd.Index) -> pd.DataFrame:
    """One row per customer in ``customers`` (index ``customer_id``), columns :data:`COLUMNS`."""
    missing = [c for c in REQUIRED if c not in texts.columns]
    if missing:
        raise ValueError(f"texts need columns {list(REQUIRED)}; missing {missing}")
    as_of = pd.Timestamp(as_of)
    texts = texts.reset_index(drop=True)
    at = pd.to_datetime(texts["at"])
    # The as-of day belongs to the history (as for purchases, which are dated by day).
    seen = texts[(at < as_of + pd.Timedelta(days=1)).to_numpy()].assign(at=at)
    recent = seen[seen["at"] > as_of - pd.Timedelta(days=WINDOW_DAYS)]
    grouped = recent.groupby("customer_id")
    out = pd.DataFrame(index=pd.Index(customers, name="customer_id"))
    out["texts_90d"] = grouped.size().reindex(out.index, fill_value=0).astype(float)
    out["negative_texts_90d"] = grouped["negative"].sum().reindex(out.index, fill_value=0).astype(float)
    out["negative_tickets_90d"] = (
        recent[recent["negative"] & recent["is_ticket"]]
        .groupby("customer_id")
        .size()
        .reindex(out.index, fill_value=0)
        .astype(float)
    )
    out["mean_sentiment_90d"] = grouped["score"].mean().reindex(out.index)
    latest = seen.sort_values("at", kind="stable").groupby("customer_id").tail(1).set_index("customer_id")
    out["last_sentiment"] = latest["score"].reindex(out.index)
    negative_at = seen[seen["negative"]].groupby("customer_id")["at"].max().reindex(out.index)
    out["days_since_negative"] = (as_of.normalize() - negative_at.dt.normalize()).dt.days.astype(float)
    return out.astype(np.float64)
