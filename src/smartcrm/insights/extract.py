"""Read the shop's orders, refunds, tickets and analysed texts into the frames the engines take."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer
from smartcrm.intelligence.extract import end_of
from smartcrm.orders.models import Order, OrderLine, Refund
from smartcrm.support.models import Ticket
from smartcrm.textanalysis.models import TextAnalysis


def _frame(rows: Iterable[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def sales_frames(as_of: date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Orders, lines and products (with the category name) placed up to the end of ``as_of``."""
    cut = end_of(as_of)
    orders = _frame(
        list(Order.objects.filter(placed_at__lte=cut).values("id", "placed_at", "status")),
        ["id", "placed_at", "status"],
    )
    lines = _frame(
        list(
            OrderLine.objects.filter(order__placed_at__lte=cut).values(
                "order_id", "product_id", "quantity", "unit_price", "line_total"
            )
        ),
        ["order_id", "product_id", "quantity", "unit_price", "line_total"],
    )
    for column in ("unit_price", "line_total"):
        lines[column] = lines[column].astype(float)
    products = _frame(
        [
            {"id": p["id"], "category": p["category__name"]}
            for p in Product.objects.values("id", "category__name")
        ],
        ["id", "category"],
    )
    return orders, lines, products


def anomaly_frames(as_of: date) -> dict[str, pd.DataFrame]:
    """Everything the detectors read, up to the end of ``as_of``."""
    cut = end_of(as_of)
    orders = _frame(
        list(
            Order.objects.filter(placed_at__lte=cut).values(
                "id", "customer_id", "placed_at", "status", "total", "channel", "ship_country"
            )
        ),
        ["id", "customer_id", "placed_at", "status", "total", "channel", "ship_country"],
    )
    orders["total"] = orders["total"].astype(float)
    lines = _frame(
        list(
            OrderLine.objects.filter(order__placed_at__lte=cut).values("order_id", "quantity", "unit_price")
        ),
        ["order_id", "quantity", "unit_price"],
    )
    lines["unit_price"] = lines["unit_price"].astype(float)
    customers = _frame(list(Customer.objects.values("id", "country")), ["id", "country"])
    refunds = _frame(list(Refund.objects.filter(created_at__lte=cut).values("created_at")), ["created_at"])
    tickets = _frame(list(Ticket.objects.filter(created_at__lte=cut).values("created_at")), ["created_at"])
    # Analysed texts (issue 5) feed the negative-sentiment share; empty until texts are analysed.
    feedback = _frame(
        [
            {"created_at": at, "negative": sentiment == "negative"}
            for at, sentiment in TextAnalysis.objects.filter(text_created_at__lte=cut).values_list(
                "text_created_at", "sentiment"
            )
        ],
        ["created_at", "negative"],
    )
    return {
        "orders": orders,
        "lines": lines,
        "customers": customers,
        "refunds": refunds,
        "tickets": tickets,
        "feedback": feedback,
    }
