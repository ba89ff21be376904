"""Set-based extraction of the shop's history into DataFrames for the engine, as of a date.

Plain SQL through the ORM's connection, one query per table, with nothing after ``as_of``
(the engine filters again; this keeps the extract small). Money is net of refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from django.db import connection
from django.utils import timezone

from smartcrm.orders.rules import REVENUE_STATUSES


@dataclass(frozen=True)
class ShopExtract:
    orders: pd.DataFrame  # id, customer_id, placed_at, total, refunded_total, discount_total, channel, status
    lines: pd.DataFrame  # order_id, category, quantity, line_total
    tickets: pd.DataFrame  # customer_id, created_at
    reviews: pd.DataFrame  # customer_id, rating, created_at
    texts: pd.DataFrame  # customer_id, at, score, negative, is_ticket (analysed texts; may be empty)

    @property
    def transactions(self) -> pd.DataFrame:
        """customer_id, date, amount (net of refunds): the CLV and label builders' input."""
        orders = self.orders
        return pd.DataFrame(
            {
                "customer_id": orders["customer_id"],
                "date": orders["placed_at"].dt.tz_localize(None).dt.normalize(),
                "amount": (orders["total"] - orders["refunded_total"]).clip(lower=0),
            }
        )

    @property
    def category_transactions(self) -> pd.DataFrame:
        """customer_id, date, category, amount: one row per order and category (category propensity)."""
        orders = self.orders.set_index("id")
        lines = self.lines
        frame = pd.DataFrame(
            {
                "customer_id": orders["customer_id"].reindex(lines["order_id"]).to_numpy(),
                "date": orders["placed_at"]
                .reindex(lines["order_id"])
                .dt.tz_localize(None)
                .dt.normalize()
                .to_numpy(),
                "category": lines["category"].to_numpy(),
                "amount": lines["line_total"].to_numpy(),
            }
        )
        return frame.groupby(["customer_id", "date", "category"], as_index=False, observed=True)[
            "amount"
        ].sum()


@dataclass(frozen=True)
class CustomerIds:
    """Which customers an extract reads: ids ``first``…``last`` (a refresh chunk), and of those
    only a hashed ``keep_per_10007`` out of 10,007 (the training sample: the same customers every
    run, chosen by the database without a list of ids going back and forth)."""

    first: int = 0
    last: int = 2**62
    keep_per_10007: int = 10_007

    def where(self, column: str) -> tuple[str, list[Any]]:
        """An SQL condition on ``column`` (a trusted identifier) and its parameters."""
        sql = f" AND {column} BETWEEN %s AND %s"
        params: list[Any] = [self.first, self.last]
        if self.keep_per_10007 < 10_007:
            sql += f" AND ({column} * 7919) %% 10007 < %s"  # %% is % once the parameters are in
            params.append(self.keep_per_10007)
        return sql, params


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _instant(column: str) -> str:
    """A timestamp column in a SELECT: on PostgreSQL as microseconds since the epoch (an int8:
    psycopg and Django build no timezone-aware datetime per row, which was most of a refresh
    chunk's extract), elsewhere as it is. Read it back with :func:`_instants`."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::int8"
    return column


def _instants(values: pd.Series) -> pd.Series:
    """The UTC instants of a column selected with :func:`_instant`."""
    if connection.vendor == "postgresql":
        return pd.to_datetime(values.astype("int64"), unit="us", utc=True)
    return pd.to_datetime(values, utc=True)


def _money(column: str) -> str:
    """A numeric column in a SELECT: a float8 on PostgreSQL (the same double as converting the
    Decimal in Python, without a Decimal per value)."""
    return f"{column}::float8" if connection.vendor == "postgresql" else column


def _frame(sql: str, params: list[Any], columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def extract_shop(as_of: date, customers: CustomerIds | None = None) -> ShopExtract:
    """The history as of ``as_of`` of every customer, or of ``customers`` only."""
    cut = end_of(as_of)
    statuses = [str(s) for s in REVENUE_STATUSES]
    in_revenue = "status IN (" + ", ".join(["%s"] * len(statuses)) + ")"  # placeholders only
    which = customers or CustomerIds()
    order_filter, order_params = which.where("customer_id")
    line_filter, line_params = which.where("o.customer_id")
    money = ", ".join(_money(c) for c in ("total", "refunded_total", "discount_total"))
    orders_sql = (
        f"SELECT id, customer_id, {_instant('placed_at')}, {money}, channel, status "  # noqa: S608
        "FROM orders_order WHERE placed_at < %s AND " + in_revenue + order_filter
    )
    lines_sql = (
        f"SELECT l.order_id, COALESCE(c.slug, 'unknown'), l.quantity, {_money('l.line_total')} "  # noqa: S608
        "FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id "
        "JOIN catalog_product p ON p.id = l.product_id "
        "LEFT JOIN catalog_category c ON c.id = p.category_id "
        "WHERE o.placed_at < %s AND o." + in_revenue + line_filter
    )
    orders = _frame(
        orders_sql,
        [cut, *statuses, *order_params],
        ["id", "customer_id", "placed_at", "total", "refunded_total", "discount_total", "channel", "status"],
    )
    for money in ("total", "refunded_total", "discount_total"):
        orders[money] = orders[money].astype("float64")
    orders["placed_at"] = _instants(orders["placed_at"])
    lines = _frame(
        lines_sql,
        [cut, *statuses, *line_params],
        ["order_id", "category", "quantity", "line_total"],
    )
    lines["line_total"] = lines["line_total"].astype("float64")
    # Repeated strings as categoricals: at a million customers this saves gigabytes.
    lines["category"] = lines["category"].astype("category")
    for label in ("channel", "status"):
        orders[label] = orders[label].astype("category")
    tickets = _frame(
        f"SELECT customer_id, {_instant('created_at')} FROM support_ticket WHERE created_at < %s"  # noqa: S608
        + order_filter,
        [cut, *order_params],
        ["customer_id", "created_at"],
    )
    tickets["created_at"] = _instants(tickets["created_at"])
    reviews = _frame(
        f"SELECT customer_id, rating, {_instant('created_at')} FROM feedback_review WHERE created_at < %s"  # noqa: S608
        + order_filter,
        [cut, *order_params],
        ["customer_id", "rating", "created_at"],
    )
    reviews["created_at"] = _instants(reviews["created_at"])
    texts_sql = (
        f"SELECT customer_id, {_instant('text_created_at')}, sentiment_score, sentiment = 'negative', "  # noqa: S608
        "source_kind IN ('ticket', 'ticket_message') FROM textanalysis_textanalysis "
        "WHERE customer_id IS NOT NULL AND text_created_at < %s" + order_filter  # placeholders only
    )
    texts = _frame(
        texts_sql,
        [cut, *order_params],
        ["customer_id", "at", "score", "negative", "is_ticket"],
    )
    texts["at"] = _instants(texts["at"]).dt.tz_localize(None)
    texts = texts.astype({"score": "float64", "negative": "bool", "is_ticket": "bool"})
    return ShopExtract(orders=orders, lines=lines, tickets=tickets, reviews=reviews, texts=texts)
