"""What both bulk import paths share: the messages, the order-level columns, the errors table."""

# ruff: noqa: S608 - the table name is the run's own (a random hex token); values travel by COPY
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.orders.models import OrderStatus

REQUIRED = "Required."
DIFFERS = "Differs from row {row} of the same order; an order has one value here."
NOT_IMPORTED = "Not imported: row {row} of the same order has errors."
ERROR_COLUMNS = {"row": "int64", "order_key": "object", "col": "object", "message": "object"}
# Order-level staging columns and the file column each is reported under.
ORDER_LEVEL = {
    "customer_key": "customer_external_id",
    "placed_at": "placed_at",
    "status": "status",
    "channel": "channel",
    "currency": "currency",
    "shipping": "shipping_total",
    "promo": "promotion_code",
}


def no_errors() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in ERROR_COLUMNS.items()})


def copy_errors(table: str, errors: pd.DataFrame) -> None:
    """Append error rows (``ERROR_COLUMNS``) to the run's errors table."""
    if errors.empty:
        return
    text = errors[list(ERROR_COLUMNS)].to_csv(header=False, index=False)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (row, order_key, col, message) FROM STDIN (FORMAT csv)") as copy,
    ):
        copy.write(text)


def refresh_customer_totals(cursor: Any, customers_sql: str, params: Sequence[Any] = ()) -> None:
    """``orders.services.refresh_customer_totals`` for the customers ``customers_sql`` (with its
    ``params``) selects, set-based."""
    statuses = [
        s.value
        for s in (
            OrderStatus.PAID,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.PARTIALLY_REFUNDED,
        )
    ]
    cursor.execute(
        "UPDATE customers_customer c SET orders_count = t.n, total_spent = t.spent, "
        "first_order_at = t.first_at, last_order_at = t.last_at FROM ("
        "SELECT o.customer_id, count(*) FILTER (WHERE o.status = ANY(%s)) AS n, "
        "coalesce(sum(o.total - o.refunded_total) FILTER (WHERE o.status = ANY(%s)), 0) AS spent, "
        "min(o.placed_at) FILTER (WHERE o.status = ANY(%s)) AS first_at, "
        "max(o.placed_at) FILTER (WHERE o.status = ANY(%s)) AS last_at "
        f"FROM orders_order o WHERE o.customer_id IN ({customers_sql}) GROUP BY o.customer_id) t "
        "WHERE c.id = t.customer_id",
        [statuses, statuses, statuses, statuses, *params],
    )
