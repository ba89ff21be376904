"""The bulk order path over many blocks: orders across block boundaries, the fallback, cancel."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.db import connection

from smartcrm.customers.models import Customer, ExternalId
from smartcrm.imports import bulk
from smartcrm.imports.errors import ImportCancelled
from smartcrm.imports.kinds import IMPORTERS
from smartcrm.imports.reader import open_table
from smartcrm.imports.services import import_file
from smartcrm.orders.models import Order, OrderLine
from tests.factories import CustomerFactory, ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is for PostgreSQL"),
]

HEADER = "order_external_id,customer_external_id,sku,quantity,unit_price,placed_at\n"


@pytest.fixture(autouse=True)
def small_blocks(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file takes the bulk path and is read in blocks of a few rows."""
    settings.SMARTCRM_IMPORT_BULK_MIN_BYTES = 0
    monkeypatch.setattr(bulk, "BLOCK_BYTES", 256)


@pytest.fixture
def shop() -> list[Customer]:
    customers = [CustomerFactory() for _ in range(3)]
    for number, customer in enumerate(customers, start=1):
        ExternalId.objects.create(customer=customer, system="import", value=f"C{number}")
    ProductFactory(sku="MUG", price=Decimal("8.50"))
    ProductFactory(sku="TEA", price=Decimal("4.00"))
    return customers


def order_lines(orders: int, lines: int) -> str:
    """``orders`` orders of ``lines`` lines each, listed together, customers in turn."""
    rows = [
        f"O{o},C{o % 3 + 1},{'MUG' if i % 2 else 'TEA'},{i + 1},,2024-05-{o % 28 + 1:02d}T10:00:00Z\n"
        for o in range(orders)
        for i in range(lines)
    ]
    return HEADER + "".join(rows)


def test_orders_across_block_boundaries_land_whole(write_csv, shop, caplog) -> None:
    caplog.set_level(logging.INFO, logger="smartcrm.imports.bulk")
    result = import_file("orders", write_csv(order_lines(40, 3)), actor="test")
    assert (result.rows_total, result.created, result.failed) == (120, 120, 0)
    assert "staging it whole" not in caplog.text  # the direct path did it
    assert Order.objects.count() == 40
    for order in Order.objects.all():
        assert order.lines.count() == 3
        # TEA 1 × 4.00 + MUG 2 × 8.50 + TEA 3 × 4.00
        assert order.total == Decimal("33.00")
    first = shop[0]
    first.refresh_from_db()
    assert first.orders_count == Order.objects.filter(customer=first).count() > 0


def test_an_order_spread_over_the_file_falls_back_to_the_staging_path(write_csv, shop, caplog) -> None:
    caplog.set_level(logging.INFO, logger="smartcrm.imports.bulk")
    text = order_lines(30, 2) + "O0,C1,MUG,5,,2024-05-01T10:00:00Z\n"
    result = import_file("orders", write_csv(text), actor="test")
    assert "staging it whole" in caplog.text
    assert (result.rows_total, result.created, result.failed) == (61, 61, 0)
    assert Order.objects.count() == 30
    assert Order.objects.get(external_id="O0").lines.count() == 3
    assert OrderLine.objects.count() == 61


@pytest.mark.parametrize("fresh", [True, False], ids=["empty orders table", "orders already there"])
def test_a_spread_order_is_caught_with_or_without_earlier_orders(write_csv, shop, caplog, fresh) -> None:
    """Into an empty table the unique constraint, put back at the end, catches the returning order;
    else the look-up does."""
    caplog.set_level(logging.INFO, logger="smartcrm.imports.bulk")
    if not fresh:
        import_file("orders", write_csv(HEADER + "EARLIER,C2,TEA,1,,2024-04-01T10:00:00Z\n"), actor="test")
    text = order_lines(30, 2) + "O3,C1,MUG,5,,2024-05-04T10:00:00Z\n"
    result = import_file("orders", write_csv(text), actor="test")
    assert "staging it whole" in caplog.text
    assert (result.created, result.failed) == (61, 0)
    assert Order.objects.get(external_id="O3").lines.count() == 3
    assert Order.objects.count() == 30 + (0 if fresh else 1)


def test_a_cancel_is_not_taken_for_a_spread_order(write_csv, shop) -> None:
    """A returning order already written when the run is cancelled: the cancel wins (the unique
    constraint is not put back, so it cannot fail and send the file to the staged path)."""
    text = order_lines(6, 2) + "O0,C1,MUG,5,,2024-05-01T10:00:00Z\n" + order_lines(30, 2).split("\n", 1)[1]
    importer = IMPORTERS["orders"]
    table = open_table(write_csv(text), importer.columns, group_by=importer.group_by, scan=False)
    ticks = iter(range(100))
    job = bulk.BulkOrderImport(table, system="import", should_stop=lambda: next(ticks) == 8)
    with pytest.raises(ImportCancelled):
        job.run()
    assert Order.objects.count() == 0


def test_a_bad_line_in_a_later_block_rejects_its_whole_order_only(write_csv, shop) -> None:
    text = order_lines(20, 3).replace("O15,C1,MUG,2,", "O15,C1,MUG,two,")
    result = import_file("orders", write_csv(text), actor="test")
    assert (result.created, result.failed) == (57, 3)
    assert {e.column for e in result.errors} == {"quantity", ""}
    assert not Order.objects.filter(external_id="O15").exists()


def test_cancelling_between_blocks_writes_nothing(write_csv, shop) -> None:
    path = write_csv(order_lines(40, 3))
    importer = IMPORTERS["orders"]
    table = open_table(path, importer.columns, group_by=importer.group_by, scan=False)
    calls = iter(range(100))
    job = bulk.BulkOrderImport(table, system="import", should_stop=lambda: next(calls) == 2)
    with pytest.raises(ImportCancelled):
        job.run()
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Shanghai"])
def test_instants_read_as_the_row_path_reads_them(settings, zone: str) -> None:
    """The block reader's vectorised ISO 8601 parsing agrees with ``parse_moment`` cell by cell."""
    import pandas as pd
    import pyarrow as pa

    from smartcrm.imports.bulk_direct import _instants
    from smartcrm.imports.parsing import parse_moment

    settings.TIME_ZONE = zone
    texts = [
        "2024-05-01T10:15:00+02:00",
        "2024-05-01T10:15:00Z",
        "2024-05-01 10:15:00.123456+0530",
        "2024-05-01",
        "2024-05-01T10:15",
        "2024-10-27T02:30:00",  # twice in Berlin (clocks go back)
        "2024-01-31T23:59:59",
        None,
    ]
    parsed = _instants(pa.chunked_array([pa.array(texts, pa.string())]))
    # Instants compared as POSIX seconds: Python never calls an ambiguous local time equal to
    # a time in another zone (PEP 495), even the same instant.
    expected = [None if t is None else parse_moment(t).timestamp() for t in texts]
    assert [None if v is pd.NaT else v.timestamp() for v in parsed] == expected


def test_a_short_row_in_a_later_block_is_reported_by_number(write_csv, shop, caplog) -> None:
    caplog.set_level(logging.INFO)
    lines = order_lines(30, 2).splitlines(keepends=True)
    lines.insert(41, "O99,C1,MUG\n")  # file row 42: fewer cells than the header
    result = import_file("orders", write_csv("".join(lines)), actor="test")
    assert "row by row" not in caplog.text  # the bulk path read it
    assert (result.rows_total, result.created, result.failed) == (61, 60, 1)
    (error,) = result.errors
    assert (error.row, error.message) == (42, "The row has fewer cells than the header has columns.")


def test_a_file_with_some_orders_already_imported_adds_only_the_new_ones(write_csv, shop) -> None:
    import_file("orders", write_csv(order_lines(10, 3)), actor="test")
    result = import_file("orders", write_csv(order_lines(25, 3)), actor="test")
    assert (result.created, result.unchanged, result.failed) == (45, 30, 0)
    assert Order.objects.count() == 25
    assert OrderLine.objects.count() == 75


def test_customers_are_looked_up_again_once_the_cache_is_full(write_csv, shop, monkeypatch) -> None:
    from smartcrm.imports import bulk_direct

    for number in (4, 5, 6):
        ExternalId.objects.create(customer=CustomerFactory(), system="import", value=f"C{number}")
    monkeypatch.setattr(bulk_direct, "MAX_KNOWN_CUSTOMERS", 2)
    # The first orders go to C1–C3; later blocks mix those (remembered) with C4–C6 (not yet).
    rows = [f"O{o},C{o % 3 + 1 + (3 if o >= 20 and o % 2 else 0)},TEA,1,,2024-05-01\n" for o in range(40)]
    result = import_file("orders", write_csv(HEADER + "".join(rows)), actor="test")
    assert (result.created, result.failed) == (40, 0)


def customer_index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'customers_customer'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("others", [0, 20], ids=["most customers", "few customers"])
def test_customer_totals_are_those_of_the_order_services(write_csv, shop, monkeypatch, others: int) -> None:
    """Whether the customers' indexes are rebuilt (most customers touched) or kept (few), the
    totals are what ``orders.services.refresh_customer_totals`` computes, and every index is back."""
    from smartcrm.imports import bulk_common
    from smartcrm.orders.services import refresh_customer_totals

    deferred: list[list[type]] = []
    original = bulk_common.deferred_indexes

    def spy(models_: list[type], **options: bool) -> object:
        deferred.append(models_)
        return original(models_, **options)

    untouched = [CustomerFactory() for _ in range(others)]
    indexes = customer_index_names()
    monkeypatch.setattr(bulk_common, "deferred_indexes", spy)
    import_file("orders", write_csv(order_lines(12, 2)), actor="test")
    assert deferred == [[] if others else [Customer]]
    assert customer_index_names() == indexes
    imported = {
        c.pk: (c.orders_count, c.total_spent, c.first_order_at, c.last_order_at)
        for c in Customer.objects.all()
    }
    refresh_customer_totals()
    expected = {
        c.pk: (c.orders_count, c.total_spent, c.first_order_at, c.last_order_at)
        for c in Customer.objects.all()
    }
    assert imported == expected
    assert all(imported[c.pk][0] == 4 for c in shop)
    assert all(imported[c.pk][0] == 0 for c in untouched)


def test_damaged_cells_in_later_blocks_are_reported_and_reject_their_order_only(
    write_csv, shop, monkeypatch
) -> None:
    """A NUL, a cell over the length limit, a U+FFFD left by an earlier bad conversion and a
    repeated header, each in a block of its own: each reported at its row, the rest lands."""
    monkeypatch.setattr(bulk, "MAX_CELL_CHARS", 40)  # a longer cell would not fit the 256-byte blocks
    lines = order_lines(40, 2).splitlines(keepends=True)  # the header, then O0 at rows 2-3, O1 at 4-5…
    lines[21] = lines[21].replace("TEA", "T\x00EA")  # O10
    lines[41] = lines[41].replace("Z\n", "Z" + " x" * 25 + "\n")  # O20, placed_at
    lines[61] = lines[61].replace("TEA", "T\ufffdEA")  # O30
    lines.insert(71, HEADER)  # between O34 and O35
    result = import_file("orders", write_csv("".join(lines)), actor="test")
    reported = {(e.row, e.column, e.message.split(" (")[0].split(";")[0]) for e in result.errors}
    assert {
        (22, "sku", "Contains a NUL character"),
        (42, "placed_at", "Longer than 40 characters."),
        (62, "", "Holds bytes that are not valid text in the file's encoding"),
        (72, "", "Repeats the header row"),
    } <= reported
    assert (result.created, result.failed) == (74, 7)  # three orders of two lines, and the header
    assert set(Order.objects.values_list("external_id", flat=True)).isdisjoint({"O10", "O20", "O30"})
