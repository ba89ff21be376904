"""Binary COPY writes exactly what the CSV path would, and declines what it cannot encode."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection

from smartcrm.customers.models import Customer
from smartcrm.demo.binary_copy import binary_payload
from smartcrm.demo.bulk import write_frame
from smartcrm.orders.models import OrderLine
from tests.factories import OrderFactory, ProductFactory

FIELDS = list(OrderLine._meta.concrete_fields)


def lines(**overrides: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": [10**12, 10**12 + 1, 10**12 + 2],
            "quantity": [1, 2, 2_000_000_000],
            "unit_price": [0.0, 0.01, 99_999_999.99],
            "discount": [0.0, 1.5, 12.34],
            "line_total": [1234.56, 10_000.0, 0.99],
            "returned_quantity": [0, 1, 0],
            "order_id": [1, 1, 1],
            "product_id": [1, 1, 1],
        }
    )
    return frame.assign(**overrides)


def test_fixed_width_frames_are_encoded_and_others_declined() -> None:
    assert binary_payload(FIELDS, lines()) is not None
    assert binary_payload(FIELDS, lines(discount=[0.0, -1.0, 0.0])) is None  # negative money
    assert binary_payload(FIELDS, lines(discount=[0.0, None, 0.0])) is None  # NULL
    assert binary_payload(list(Customer._meta.concrete_fields), pd.DataFrame()) is None  # text


@pytest.mark.django_db
def test_binary_copy_round_trips_ids_counts_and_money() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    order, product = OrderFactory(), ProductFactory()
    frame = lines(order_id=[order.pk] * 3, product_id=[product.pk] * 3)
    assert write_frame(OrderLine, frame) == 3
    stored = list(
        OrderLine.objects.filter(order=order)
        .order_by("id")
        .values_list("id", "quantity", "unit_price", "discount", "line_total", "returned_quantity")
    )
    assert stored == [
        (10**12, 1, Decimal("0.00"), Decimal("0.00"), Decimal("1234.56"), 0),
        (10**12 + 1, 2, Decimal("0.01"), Decimal("1.50"), Decimal("10000.00"), 1),
        (10**12 + 2, 2_000_000_000, Decimal("99999999.99"), Decimal("12.34"), Decimal("0.99"), 0),
    ]
