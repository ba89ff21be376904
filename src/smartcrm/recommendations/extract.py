"""The shop's order lines and catalogue as DataFrames for the recommendation engine (set-based SQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.engine.recs.shop import LINE_COLUMNS
from smartcrm.intelligence.extract import CustomerIds, end_of
from smartcrm.orders.models import OrderLine
from smartcrm.orders.rules import REVENUE_STATUSES


def _frame(sql: str, params: list[Any], columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def order_lines(as_of: date, customers: CustomerIds | None = None) -> pd.DataFrame:
    """customer_id, order_id, product_id, placed_at (naive UTC) of revenue orders before the day's
    end, of every customer or of ``customers`` only (a chunk's id range, the training sample), in
    line order: a customer's lines come in the same order whichever customers are read with them."""
    statuses = [str(s) for s in REVENUE_STATUSES]
    in_revenue = "o.status IN (" + ", ".join(["%s"] * len(statuses)) + ")"  # placeholders only
    which, params = (customers or CustomerIds()).where("o.customer_id")
    lines = _frame(
        "SELECT o.customer_id, l.order_id, l.product_id, o.placed_at "  # noqa: S608 - identifiers and placeholders only
        f'FROM "{OrderLine._meta.db_table}" l JOIN orders_order o ON o.id = l.order_id '
        "WHERE o.placed_at < %s AND " + in_revenue + which + " ORDER BY l.id",
        [end_of(as_of), *statuses, *params],
        list(LINE_COLUMNS),
    )
    lines["placed_at"] = pd.to_datetime(lines["placed_at"], utc=True).dt.tz_localize(None)
    return lines


def products() -> pd.DataFrame:
    """product_id, name, category (slug), available (active and in stock)."""
    frame = _frame(
        "SELECT p.id, p.name, COALESCE(c.slug, ''), p.is_active, p.stock FROM catalog_product p "
        "LEFT JOIN catalog_category c ON c.id = p.category_id",
        [],
        ["product_id", "name", "category", "is_active", "stock"],
    )
    frame["available"] = frame["is_active"].astype(bool) & (frame["stock"].astype(int) > 0)
    frame["category"] = frame["category"].replace("", None)
    return frame[["product_id", "name", "category", "available"]]
