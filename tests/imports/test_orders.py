"""Importing orders: one row per line, grouped by order id, an order lands whole or not at all."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from smartcrm.customers.models import ExternalId
from smartcrm.imports.services import import_file
from smartcrm.orders.models import Order, OrderLine
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "order_external_id,customer_external_id,sku,quantity,unit_price,placed_at,status,channel,shipping_total\n"
)


@pytest.fixture(autouse=True, params=["rows", "bulk"])
def path(request: pytest.FixtureRequest, settings) -> str:
    """Every test runs through both the row path and (on PostgreSQL) the bulk path."""
    if request.param == "bulk":
        if connection.vendor != "postgresql":
            pytest.skip("the bulk path is for PostgreSQL")
        settings.SMARTCRM_IMPORT_BULK_MIN_BYTES = 0
    return str(request.param)


@pytest.fixture
def shop() -> dict[str, object]:
    ada, bob = CustomerFactory(), CustomerFactory()
    ExternalId.objects.create(customer=ada, system="import", value="C1")
    ExternalId.objects.create(customer=bob, system="import", value="C2")
    mug = ProductFactory(sku="MUG", price=Decimal("8.50"))
    tea = ProductFactory(sku="TEA", price=Decimal("4.00"))
    return {"ada": ada, "bob": bob, "mug": mug, "tea": tea}


def test_lines_are_grouped_into_orders_even_when_not_contiguous(write_csv, shop) -> None:
    text = HEADER + (
        "O1,C1,MUG,2,,2024-05-01T10:00:00+02:00,paid,web,4.90\n"
        "O2,C2,TEA,1,3.50,2024-05-02,shipped,pos,\n"
        "O1,,TEA,3,,,,,\n"
    )
    result = import_file("orders", write_csv(text), actor="test")
    assert (result.rows_total, result.created, result.failed) == (3, 3, 0)
    first = Order.objects.get(external_id="O1")
    assert first.customer == shop["ada"]
    assert first.placed_at == datetime(2024, 5, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert first.lines.count() == 2
    assert first.total == Decimal("8.50") * 2 + Decimal("4.00") * 3 + Decimal("4.90")
    second = Order.objects.get(external_id="O2")
    assert (second.status, second.channel, second.total) == ("shipped", "pos", Decimal("3.50"))
    ada = shop["ada"]
    ada.refresh_from_db()  # type: ignore[attr-defined]
    assert ada.orders_count == 1  # type: ignore[attr-defined]


def test_rerunning_skips_existing_orders(write_csv, shop) -> None:
    path = write_csv(HEADER + "O1,C1,MUG,1,,2024-05-01,,,\nO1,C1,TEA,1,,2024-05-01,,,\n")
    import_file("orders", path, actor="test")
    again = import_file("orders", path, actor="test")
    assert (again.created, again.unchanged, again.failed) == (0, 2, 0)
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2


def test_nul_characters_reject_their_order_and_reach_no_query(write_csv, shop) -> None:
    """PostgreSQL text cannot hold NUL: the cells are reported, not looked up as they are."""
    text = (
        HEADER
        + "O1,C1,M\x00UG,1,,2024-05-01,,,\nO\x002,C\x001,TEA,1,,2024-05-01,,,\nO3,C1,MUG,1,,2024-05-01,,,\n"
    )
    result = import_file("orders", write_csv(text), actor="test")
    assert (result.created, result.failed) == (1, 2)
    nul = "Contains a NUL character (a damaged or binary file?)."
    assert {(e.row, e.column, e.message) for e in result.errors} >= {
        (2, "sku", nul),
        (3, "order_external_id", nul),
    }
    assert list(Order.objects.values_list("external_id", flat=True)) == ["O3"]


def test_unknown_customers_and_skus_are_rejected_per_line(write_csv, shop) -> None:
    text = HEADER + ("O1,C9,MUG,1,,2024-05-01,,,\nO2,C1,NOPE,1,,2024-05-01,,,\nO3,C1,MUG,1,,2024-05-01,,,\n")
    result = import_file("orders", write_csv(text), actor="test")
    assert (result.created, result.failed) == (1, 2)
    assert [(e.row, e.column) for e in result.errors] == [(2, "customer_external_id"), (3, "sku")]
    assert "import the customers first" in result.errors[0].message
    assert list(Order.objects.values_list("external_id", flat=True)) == ["O3"]


def test_an_order_with_one_bad_line_is_not_half_written(write_csv, shop) -> None:
    text = HEADER + (
        "O1,C1,MUG,1,,2024-05-01,,,\n"
        "O1,C1,TEA,0,,2024-05-01,,,\n"
        "O1,C1,MUG,1,-2,2024-05-01,,,\n"
        "O1,C1,TEA,2,,2024-05-01,,,\n"
    )
    result = import_file("orders", write_csv(text), actor="test")
    assert (result.created, result.failed) == (0, 4)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, ""),
        (3, "quantity"),
        (4, "unit_price"),
        (5, ""),
    ]
    assert result.errors[0].message == "Not imported: row 3 of the same order has errors."
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    shop["ada"].refresh_from_db()  # type: ignore[attr-defined]
    assert shop["ada"].orders_count == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("O1,C1,MUG,x,,2024-05-01,,,", "quantity", "whole number"),
        ("O1,C1,MUG,1.5,,2024-05-01,,,", "quantity", "whole number"),
        ("O1,C1,MUG,1,,last week,,,", "placed_at", "Use a date like"),
        ("O1,C1,MUG,1,,2024-13-01,,,", "placed_at", "Not a real date"),
        ("O1,C1,MUG,1,,,,,", "placed_at", "Required."),
        ("O1,C1,MUG,1,,2024-05-01,lost,,", "status", "Must be one of"),
        ("O1,C1,MUG,1,,2024-05-01,,fax,", "channel", "Must be one of"),
        ("O1,C1,MUG,1,,2024-05-01,,,-1", "shipping_total", "Cannot be negative."),
        ("O1,,MUG,1,,2024-05-01,,,", "customer_external_id", "Required."),
        ("O1,C1,,1,,2024-05-01,,,", "sku", "Required."),
    ],
)
def test_bad_cells_are_reported(write_csv, shop, cells: str, column: str, message: str) -> None:
    result = import_file("orders", write_csv(HEADER + cells + "\n"), actor="test")
    (error,) = result.errors
    assert (error.row, error.column) == (2, column)
    assert message in error.message
    assert Order.objects.count() == 0


def test_lines_of_one_order_must_agree_on_order_values(write_csv, shop) -> None:
    text = HEADER + "O1,C1,MUG,1,,2024-05-01,,,\nO1,C2,TEA,1,,2024-05-02,,,\n"
    result = import_file("orders", write_csv(text), actor="test")
    assert {(e.row, e.column) for e in result.errors} == {
        (2, ""),
        (3, "customer_external_id"),
        (3, "placed_at"),
    }
    assert Order.objects.count() == 0


def test_quantity_defaults_to_one_and_unit_price_to_the_product_price(write_csv, shop) -> None:
    import_file("orders", write_csv(HEADER + "O1,C1,MUG,,,2024-05-01,,,\n"), actor="test")
    line = OrderLine.objects.get()
    assert (line.quantity, line.unit_price) == (1, Decimal("8.50"))


def test_customers_are_looked_up_in_the_given_system(write_csv, shop) -> None:
    path = write_csv(HEADER + "O1,C1,MUG,1,,2024-05-01,,,\n")
    assert import_file("orders", path, actor="test", system="shopify").failed == 1
    assert import_file("orders", path, actor="test").created == 1
