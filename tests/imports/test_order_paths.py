"""One order file through every path — row by row, the staged SQL bulk path and the direct numpy
bulk path — lands the same orders, lines and customer totals (``orders.rules`` is each rule once)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from smartcrm.customers.models import Customer, ExternalId
from smartcrm.imports import bulk
from smartcrm.imports.bulk_direct import NotGrouped
from smartcrm.imports.services import import_file
from smartcrm.orders.models import Order, OrderLine, OrderStatus
from smartcrm.orders.rules import EXCESS_DISCOUNT
from smartcrm.orders.services import LineInput, create_order
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "order_external_id,customer_external_id,sku,quantity,unit_price,discount,placed_at,status,"
    "channel,currency,shipping_total,promotion_code\n"
)
# Discounts up to and past the line, the product's price and a quantity of one by default,
# shipping, every status (revenue and not), local and offset times; A6 (an unknown SKU) and
# A9 (a discount one cent more than its line) are refused with their rows.
FILE = HEADER + (
    "A1,C1,MUG,2,,,2024-05-01T10:00:00+02:00,paid,web,usd,4.90,SPRING\n"
    "A1,,TEA,3,3.99,1.50,,,,,,\n"
    "A1,C1,MUG,1,8.50,8.50,,,,,,\n"
    "A2,C1,TEA,,,,2024-05-03 09:30,shipped,pos,EUR,,\n"
    "A3,C2,MUG,4,0.01,0.04,2024-05-04,cancelled,,,,\n"
    "A4,C2,TEA,1,12.34,,2024-05-05T23:59:59Z,partially_refunded,mobile,,0.99,\n"
    "A4,C2,MUG,7,8.49,0.07,,,,,,\n"
    "A5,C3,TEA,2,,,2024-05-06,refunded,,,,\n"
    "A6,C1,NOPE,1,,,2024-05-07,,,,,\n"
    "A6,C1,MUG,1,,,2024-05-07,,,,,\n"
    "A7,C2,MUG,1,1000.00,,2024-05-08,delivered,b2b,,25,\n"
    "A8,C1,TEA,1000,4.00,3999.99,2024-05-09,pending,,,,\n"
    "A9,C3,TEA,1,,,2024-05-10,,,,,\n"
    "A9,C3,MUG,2,,17.01,,,,,,\n"
)
EARLIER = datetime(2024, 4, 1, 12, tzinfo=UTC)


@pytest.fixture
def shop(settings) -> dict[str, Any]:
    settings.TIME_ZONE = "Europe/Berlin"  # times without an offset are the shop's local time
    customers = {key: CustomerFactory() for key in ("C1", "C2", "C3")}
    for key, customer in customers.items():
        ExternalId.objects.create(customer=customer, system="import", value=key)
    products = {
        "MUG": ProductFactory(sku="MUG", price=Decimal("8.50")),
        "TEA": ProductFactory(sku="TEA", price=Decimal("4.00")),
    }
    return {"customers": customers, "products": products}


def _earlier_orders(shop: dict[str, Any]) -> None:
    """Orders already there before the file: the customers' totals must count them too."""
    c1, c2 = shop["customers"]["C1"], shop["customers"]["C2"]
    tea = shop["products"]["TEA"]
    for customer, status in ((c1, OrderStatus.DELIVERED), (c2, OrderStatus.CANCELLED)):
        create_order(
            actor="test", customer=customer, lines=[LineInput(tea.pk, 2)], status=status, placed_at=EARLIER
        )


def _snapshot() -> dict[str, Any]:
    """The file's orders and lines (earlier orders have no external id) and every customer's totals."""
    orders = {
        o["external_id"]: o
        for o in Order.objects.filter(external_id__isnull=False).values(
            "external_id", "customer_id", "status", "channel", "currency", "placed_at", "subtotal",
            "discount_total", "shipping_total", "total", "refunded_total", "promotion_code",
            "ship_city", "ship_country",
        )
    }  # fmt: skip
    lines = sorted(
        OrderLine.objects.filter(order__external_id__isnull=False).values_list(
            "order__external_id", "product__sku", "quantity", "unit_price", "discount", "line_total",
            "returned_quantity",
        )
    )  # fmt: skip
    customers = {
        c.pk: (c.orders_count, c.total_spent, c.first_order_at, c.last_order_at)
        for c in Customer.objects.all()
    }
    return {"orders": orders, "lines": lines, "customers": customers}


def _reset() -> None:
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    Customer.objects.update(orders_count=0, total_spent=0, first_order_at=None, last_order_at=None)


def _run(
    path: str, file: Path, settings, monkeypatch: pytest.MonkeyPatch, caplog
) -> tuple[int, int, set[tuple[int, str, str]]]:
    caplog.clear()
    settings.SMARTCRM_IMPORT_BULK_MIN_BYTES = 1 << 40 if path == "rows" else 0
    with monkeypatch.context() as patch:
        if path == "staged":

            def not_grouped(self: bulk.BulkOrderImport) -> None:
                raise NotGrouped

            patch.setattr(bulk.BulkOrderImport, "_run_direct", not_grouped)
        result = import_file("orders", file, actor="test")
    if connection.vendor == "postgresql":  # the staged path's shop time zone ends with its COPY
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('TimeZone')")
            assert cursor.fetchone()[0] == "UTC"
    staged = "staging it whole" in caplog.text
    assert staged == (path == "staged")
    refused = {(e.row, e.column, e.message) for e in result.errors if e.column == "discount"}
    return result.created, result.failed, refused


def _expected_totals(snapshot: dict[str, Any]) -> None:
    """The numbers the rules give, worked by hand for a few orders."""
    a1, a4, a8 = (snapshot["orders"][k] for k in ("A1", "A4", "A8"))
    # MUG 2 × 8.50 = 17.00; TEA 3 × 3.99 − 1.50 = 10.47; MUG 1 × 8.50 − 8.50 = 0.00
    assert (a1["subtotal"], a1["discount_total"], a1["total"]) == (
        Decimal("37.47"),
        Decimal("10.00"),
        Decimal("32.37"),  # 27.47 + 4.90 shipping
    )
    # TEA 12.34; MUG 7 × 8.49 − 0.07 = 59.36; + 0.99 shipping
    assert a4["total"] == Decimal("72.69")
    assert a8["total"] == Decimal("0.01")
    assert (a1["currency"], a1["promotion_code"]) == ("USD", "SPRING")
    assert "A6" not in snapshot["orders"]
    assert "A9" not in snapshot["orders"]


@pytest.mark.parametrize("earlier", [False, True], ids=["empty orders table", "orders already there"])
def test_the_same_file_lands_the_same_through_every_path(
    write_csv, shop, settings, monkeypatch, caplog, earlier: bool
) -> None:
    caplog.set_level(logging.INFO, logger="smartcrm.imports.bulk")
    file = write_csv(FILE)
    paths = ["rows", "staged", "direct"] if connection.vendor == "postgresql" else ["rows"]
    snapshots = {}
    for path in paths:
        _reset()
        if earlier:
            _earlier_orders(shop)
        created, failed, refused = _run(path, file, settings, monkeypatch, caplog)
        assert (created, failed) == (10, 4), path
        assert refused == {(15, "discount", EXCESS_DISCOUNT)}, path
        snapshots[path] = _snapshot()
    rows = snapshots["rows"]
    _expected_totals(rows)
    c1, c2, c3 = (shop["customers"][k].pk for k in ("C1", "C2", "C3"))
    # C1: A1 and A2 (A8 is pending, A6 rejected); C2: A4 and A7 (A3 cancelled); C3: A5 refunded
    assert rows["customers"][c1][:2] == (2 + earlier, Decimal("32.37") + Decimal("4.00") + 8 * earlier)
    assert rows["customers"][c1][2] == (EARLIER if earlier else rows["orders"]["A1"]["placed_at"])
    assert rows["customers"][c2][:2] == (2, Decimal("72.69") + Decimal("1025.00"))
    assert rows["customers"][c3][:2] == (0, Decimal("0"))
    for path in paths[1:]:
        for part in ("orders", "lines", "customers"):
            assert snapshots[path][part] == rows[part], f"{path}: {part} differ from the row path's"
