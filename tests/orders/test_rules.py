"""The order rules read as Decimal, SQL and numpy agree, on the ordinary cases and the edges."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import connection

import smartcrm
from smartcrm.customers.models import Customer
from smartcrm.orders import rules
from smartcrm.orders.models import Order, OrderStatus
from smartcrm.orders.services import refresh_customer_totals
from tests.factories import CustomerFactory

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL form is PostgreSQL's")

# price, quantity, discount, the line total
LINES = [
    ("8.50", 2, "0", "17.00"),
    ("8.50", 2, "1.25", "15.75"),
    ("8.50", 2, "17.00", "0.00"),
    ("8.50", 2, "20.00", "0.00"),  # a discount larger than the line: never below zero
    ("0.125", 1, "0", "0.13"),  # half a cent: away from zero
    ("0.135", 1, "0", "0.14"),
    ("1.005", 3, "0", "3.02"),  # 3.015
    ("0.125", 3, "0.001", "0.37"),  # 0.374
    ("0.004", 1, "0", "0.00"),
    ("0.015", 1, "0.02", "0.00"),  # −0.005 rounds to −0.01, then the floor
    ("0.005", 1, "0.01", "0.00"),
    ("0", 5, "0", "0.00"),
    ("9999999999.99", 1, "0", "9999999999.99"),
]


def _decimal(price: str, quantity: int, discount: str) -> Decimal:
    return rules.line_total(Decimal(price), quantity, Decimal(discount))


def _cents(prices: list[str], quantities: list[int], discounts: list[str]) -> list[Decimal]:
    """The numpy form over cents: whole cents as integers, fractions of a cent as floats."""
    as_cents = [Decimal(p) * 100 for p in prices + discounts]
    whole = all(c == c.to_integral_value() for c in as_cents)
    kind = np.int64 if whole else np.float64
    price = np.array([Decimal(p) * 100 for p in prices], dtype=float).astype(kind)
    discount = np.array([Decimal(d) * 100 for d in discounts], dtype=float).astype(kind)
    totals = rules.line_total_cents(price, np.array(quantities, dtype=np.int64), discount)
    return [Decimal(int(t)) / 100 for t in totals]


def _sql(prices: list[str], quantities: list[int], discounts: list[str]) -> list[Decimal]:
    expression = rules.line_total_sql("v.price", "v.quantity", "v.discount")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM unnest(%s::numeric[], %s::integer[], %s::numeric[]) "  # noqa: S608
            "WITH ORDINALITY AS v(price, quantity, discount, n) ORDER BY v.n",
            [[Decimal(p) for p in prices], quantities, [Decimal(d) for d in discounts]],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(("price", "quantity", "discount", "total"), LINES)
def test_the_decimal_and_numpy_forms_give_the_line_total(
    price: str, quantity: int, discount: str, total: str
) -> None:
    assert _decimal(price, quantity, discount) == Decimal(total)
    assert _cents([price], [quantity], [discount]) == [Decimal(total)]


@on_postgres
@pytest.mark.django_db
def test_the_sql_form_gives_the_same_line_totals() -> None:
    prices, quantities, discounts, totals = (list(column) for column in zip(*LINES, strict=True))
    assert _sql(prices, quantities, discounts) == [Decimal(t) for t in totals]


@on_postgres
@pytest.mark.django_db
def test_all_three_forms_agree_on_many_lines_in_cents() -> None:
    """Whole cents, as every path stores money: the numpy form stays in integers, exact."""
    rng = random.Random(18)
    prices = [f"{rng.randint(0, 50_000) / 100:.2f}" for _ in range(2000)]
    quantities = [rng.randint(1, 40) for _ in range(2000)]
    discounts = [f"{rng.randint(0, 200_000) / 100:.2f}" for _ in range(2000)]
    decimals = [_decimal(p, q, d) for p, q, d in zip(prices, quantities, discounts, strict=True)]
    assert any(d == 0 for d in decimals) and any(d > 0 for d in decimals)
    assert _cents(prices, quantities, discounts) == decimals
    assert _sql(prices, quantities, discounts) == decimals


def test_integer_cents_are_not_rounded_again() -> None:
    cents = np.array([1050, -3, 0], dtype=np.int64)
    assert rules.CENTS.to_cent(cents) is cents
    assert rules.line_total_cents(cents, np.array([2, 1, 1]), np.zeros(3, dtype=np.int64)).tolist() == [
        2100,
        0,
        0,
    ]


def test_series_keep_their_index_through_the_numpy_form() -> None:
    price = pd.Series([850, 400], index=[7, 9])
    total = rules.line_total_cents(price, pd.Series([2, 1], index=[7, 9]), pd.Series([0, 500], index=[7, 9]))
    assert total.to_dict() == {7: 1700, 9: 0}


@on_postgres
@pytest.mark.django_db
def test_gross_and_order_total_agree_in_every_form() -> None:
    gross = rules.line_gross_sql("CAST(%s AS numeric)", "CAST(%s AS integer)")
    total = rules.order_total_sql("CAST(%s AS numeric)", "CAST(%s AS numeric)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {gross}, {total}", [Decimal("8.50"), 3, Decimal("25.50"), Decimal("4.90")])
        assert cursor.fetchone() == (Decimal("25.50"), Decimal("30.40"))
    assert rules.line_gross(Decimal("8.50"), 3) == Decimal("25.50")
    assert rules.order_total(Decimal("25.50"), Decimal("4.90")) == Decimal("30.40")
    assert rules.line_gross_cents(np.array([850]), np.array([3])).tolist() == [2550]
    assert rules.order_total_cents(np.array([2550]), np.array([490])).tolist() == [3040]


def test_revenue_statuses_are_the_orders_whose_money_the_shop_keeps() -> None:
    assert set(rules.REVENUE_STATUSES) == {
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.PARTIALLY_REFUNDED,
    }


@pytest.mark.django_db
def test_customer_totals_in_sql_and_over_a_frame_agree() -> None:
    """What ``refresh_customer_totals`` writes is what the frame form (the demo loader's) computes."""
    buyer, canceller, nobody = CustomerFactory(), CustomerFactory(), CustomerFactory()
    placed = [datetime(2024, 5, day, 10, tzinfo=UTC) for day in range(1, 6)]
    for n, (customer, status, total, refunded, at) in enumerate(
        [
            (buyer, OrderStatus.PAID, "30.00", "0", placed[1]),
            (buyer, OrderStatus.PARTIALLY_REFUNDED, "20.00", "5.00", placed[3]),
            (buyer, OrderStatus.CANCELLED, "99.00", "0", placed[0]),  # earlier, but not counted
            (buyer, OrderStatus.REFUNDED, "10.00", "10.00", placed[4]),
            (canceller, OrderStatus.CANCELLED, "12.00", "0", placed[2]),
        ]
    ):
        Order.objects.create(
            number=f"T{n}",
            customer=customer,
            status=status,
            total=Decimal(total),
            refunded_total=Decimal(refunded),
            placed_at=at,
        )
    Customer.objects.update(orders_count=7, total_spent=Decimal("1.00"), first_order_at=placed[0])
    refresh_customer_totals()
    written = {
        c.pk: (c.orders_count, c.total_spent, c.first_order_at, c.last_order_at)
        for c in Customer.objects.all()
    }
    assert written == {
        buyer.pk: (2, Decimal("45.00"), placed[1], placed[3]),
        canceller.pk: (0, Decimal("0.00"), None, None),
        nobody.pk: (0, Decimal("0.00"), None, None),
    }
    orders = pd.DataFrame(
        list(Order.objects.values("customer_id", "status", "total", "refunded_total", "placed_at"))
    )
    frame = rules.customer_totals_frame(orders)
    assert {
        int(customer_id): (int(row.orders_count), row.total_spent, row.first_order_at, row.last_order_at)
        for customer_id, row in frame.iterrows()
    } == {buyer.pk: written[buyer.pk]}


def test_each_rule_is_defined_in_one_place() -> None:
    """The revenue statuses, the SQL line total and the customer totals refresh, once in the code."""
    patterns = {
        "REVENUE_STATUSES": r"^REVENUE_STATUSES\b[^=\n]*=",
        "the line total in SQL": r"greatest\(\s*round\(",
        "the customer totals refresh": r"^def refresh_customer_totals\b",
    }
    found: dict[str, list[str]] = {name: [] for name in patterns}
    root = Path(smartcrm.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name, pattern in patterns.items():
            if re.search(pattern, text, re.MULTILINE):
                found[name].append(str(path.relative_to(root)))
    assert found == {
        "REVENUE_STATUSES": ["orders/rules.py"],
        "the line total in SQL": [],  # built from the rule, never written out
        "the customer totals refresh": ["orders/services.py"],
    }
