"""What both bulk import paths share: the messages, the order-level columns, the errors table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.core.db import deferred_indexes
from smartcrm.customers.models import Customer
from smartcrm.orders.rules import customer_totals_select, customer_totals_update

REQUIRED = "Required."
# Measured at 1M lines (33,333 customers, all touched): the update with the indexes in place
# 2.8-4.7 s; without them 0.8 s, plus 1.1 s to build them again, which costs the same whatever
# the share touched: break-even near half (docs/import.md, *Performance*).
REBUILD_CUSTOMER_INDEXES_SHARE = 0.5
TOTALS = "imports_customer_totals"
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


def errors_csv(errors: pd.DataFrame) -> str:
    """Error rows (``ERROR_COLUMNS``) as CSV for COPY into the run's errors table."""
    return "" if errors.empty else errors[list(ERROR_COLUMNS)].to_csv(header=False, index=False)


def copy_errors(table: str, errors: pd.DataFrame) -> None:
    """Append error rows (``ERROR_COLUMNS``) to the run's errors table."""
    if errors.empty:
        return
    text = errors_csv(errors)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (row, order_key, col, message) FROM STDIN (FORMAT csv)") as copy,
    ):
        copy.write(text)


def refresh_touched_customers(cursor: Any, customers_sql: str, params: Sequence[Any] = ()) -> None:
    """The customer totals (``orders.rules.customer_totals_select``) of the customers
    ``customers_sql`` (with its ``params``) selects, set-based.

    Each updated customer row costs an entry in each of the customers' dozen indexes; past
    ``REBUILD_CUSTOMER_INDEXES_SHARE`` of all customers, building those indexes again after
    the update costs less (a shop's first import of its order history touches most of them).
    """
    totals, totals_params = customer_totals_select(customers_sql, params)
    cursor.execute(f"DROP TABLE IF EXISTS {TOTALS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {TOTALS} ON COMMIT DROP AS {totals}", totals_params)
    touched = cursor.rowcount
    cursor.execute("SELECT count(*) FROM customers_customer")  # not reltuples: stale after a load
    many = touched >= REBUILD_CUSTOMER_INDEXES_SHARE * cursor.fetchone()[0]
    with deferred_indexes([Customer] if many else []):
        cursor.execute(customer_totals_update(f"{TOTALS} AS t", "c.id = t.customer_id"))
    cursor.execute(f"DROP TABLE {TOTALS}")
