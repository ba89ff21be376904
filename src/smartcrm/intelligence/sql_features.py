"""The propensity models' purchase features (``engine.propensity.labels.rfm_features``) computed
by PostgreSQL in one GROUP BY per customer-id range, instead of fetching every order and
grouping in pandas.

Same definitions: a purchase is a revenue order (net of refunds, never below 0) dated by its UTC
day, on or before ``as_of``; recency and tenure in days from ``as_of``; the mean gap between
purchases is the span over the count minus one; the gap trend is the last gap minus the mean of
the earlier ones (0 when the last day has two purchases). ``bench.refresh_sql`` times both ways
side by side and checks they agree; the fan-out's chunks keep the pandas path while that is not
faster (bench/README.md has the figures).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db import connection

from smartcrm.intelligence.extract import CustomerIds, end_of
from smartcrm.orders.rules import REVENUE_STATUSES

RECENT_DAYS = 90  # engine.propensity.labels.RECENT_DAYS
COLUMNS = ["recency_days", "frequency", "monetary_sum", "monetary_mean", "tenure_days", "orders_last_90d"]


def rfm_aggregates(as_of: date, customers: CustomerIds) -> pd.DataFrame:
    """One row per customer of ``customers`` who bought by ``as_of`` (index ``customer_id``)."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("the set-based features need PostgreSQL")
    statuses = [str(s) for s in REVENUE_STATUSES]
    marks = ", ".join(["%s"] * len(statuses))  # placeholders only
    which, which_params = customers.where("customer_id")
    sql = (
        "SELECT customer_id, %s - MAX(d), COUNT(*), SUM(amount), AVG(amount), %s - MIN(d), "  # noqa: S608
        "COUNT(*) FILTER (WHERE d > %s), COUNT(*) FILTER (WHERE d = last_d), "
        "MAX(d) FILTER (WHERE d < last_d) - MAX(d) "
        "FROM (SELECT customer_id, d, amount, MAX(d) OVER (PARTITION BY customer_id) AS last_d FROM ("
        "  SELECT customer_id, (placed_at AT TIME ZONE 'UTC')::date AS d, "
        "  GREATEST(total - refunded_total, 0) AS amount FROM orders_order "
        f"  WHERE placed_at < %s AND status IN ({marks}){which}) AS o WHERE d <= %s) AS t "
        "GROUP BY customer_id ORDER BY customer_id"
    )
    params = [
        as_of,
        as_of,
        as_of - timedelta(days=RECENT_DAYS),
        end_of(as_of),
        *statuses,
        *which_params,
        as_of,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(
        rows, columns=["customer_id", *COLUMNS, "on_last_day", "minus_gap_before_last"]
    ).set_index("customer_id")
    frame = frame.astype(float)
    n = frame["frequency"]
    span = frame["tenure_days"] - frame["recency_days"]
    last_gap = np.where(frame["on_last_day"] >= 2, 0.0, -frame["minus_gap_before_last"])
    frame["mean_gap_days"] = (span / (n - 1)).where(n > 1)
    frame["gap_trend_days"] = (last_gap - (span - last_gap) / (n - 2)).where(n > 2)
    return frame[[*COLUMNS[:5], "mean_gap_days", "gap_trend_days", "orders_last_90d"]]
