"""The shop's order lines and catalogue as DataFrames for the recommendation engine (set-based SQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.engine.recs.shop import LINE_COLUMNS
from smartcrm.intelligence.extract import end_of
from smartcrm.orders.models import OrderLine
from smartcrm.orders.rules import REVENUE_STATUSES


def _frame(sql: str, params: list[Any], columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def order_lines(as_of: date) -> pd.DataFrame:
    """customer_id, order_id, product_id, placed_at (naive UTC) of revenue orders before the day's end."""
    rows = OrderLine.objects.filter(
        order__placed_at__lt=end_of(as_of), order__status__in=[str(s) for s in REVENUE_STATUSES]
    ).values_list("order__customer_id", "order_id", "product_id", "order__placed_at")
    lines = pd.DataFrame.from_records(rows.iterator(chunk_size=20_000), columns=list(LINE_COLUMNS))
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
