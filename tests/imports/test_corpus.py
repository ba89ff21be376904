"""Every malformed file ends with a clear report: no crash, no partial rows, nothing good lost."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer, ExternalId
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.services import import_file
from tests.imports.corpus import Case, cases, garbage

pytestmark = pytest.mark.django_db

CASES = cases()


def _landed(kind: str) -> set[str]:
    if kind == "products":
        return set(Product.objects.values_list("sku", flat=True))
    return set(ExternalId.objects.values_list("value", flat=True))


def test_the_corpus_has_at_least_thirty_files() -> None:
    assert len(CASES) + 1 >= 30  # + the 50 MB file below
    assert len({case.name for case in CASES}) == len(CASES)


def _snapshot() -> dict[str, int]:
    """Every table's row count: what a refused file must leave exactly as it was."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_file_ends_with_a_clear_report(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    if case.error:
        before = _snapshot()
        with pytest.raises(ImportFileError, match=re.escape(case.error)):
            import_file(case.kind, path, actor="test")
        assert _snapshot() == before
        return
    result = import_file(case.kind, path, actor="test")
    reported: dict[int, set[str]] = {}
    for error in result.errors:
        reported.setdefault(error.row, set()).add(error.column)
    assert reported.keys() == case.failed.keys()
    assert all(column in reported[row] for row, column in case.failed.items())
    assert all(error.message for error in result.errors)
    assert result.failed == len(case.failed)
    assert result.created == result.rows_total - result.failed
    if case.landed:
        assert _landed(case.kind) == set(case.landed)
    assert len(_landed(case.kind)) == result.created
    again = import_file(case.kind, path, actor="test")
    assert (again.created, again.updated, again.failed) == (0, 0, len(case.failed))


def test_fifty_megabytes_of_garbage_are_refused_without_reading_them_all(big_garbage: Path) -> None:
    with pytest.raises(ImportFileError, match="binary file"):
        import_file("orders", big_garbage, actor="test")


@pytest.fixture(scope="session")
def big_garbage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return garbage(tmp_path_factory.mktemp("garbage"), "garbage-50mb.csv", 50 << 20, printable=False)


def _import(tmp_path: Path, name: str) -> None:
    case = next(case for case in CASES if case.name == name)
    import_file(case.kind, case.build(tmp_path), actor="test")


def test_values_survive_their_encoding(tmp_path: Path) -> None:
    _import(tmp_path, "GBK export with Chinese headers")
    wang = Customer.objects.get(external_ids__value="C1")
    assert (wang.last_name, wang.first_name, wang.email, wang.phone) == (
        "王",
        "小明",
        "wang@example.com",
        "+8613800138000",
    )
    _import(tmp_path, "Latin-1 export")
    assert Customer.objects.get(external_ids__value="C2").last_name == "Ñúñez"
    _import(tmp_path, "UTF-16 with BOM, tabs (Excel 'Unicode text')")
    assert Customer.objects.get(external_ids__value="C1").email == "ada@example.com"


def test_hostile_text_is_stored_verbatim_never_evaluated(tmp_path: Path) -> None:
    _import(tmp_path, "formula injection cells")
    first, second = (Customer.objects.get(external_ids__value=v) for v in ("C1", "C2"))
    assert (first.first_name, first.last_name) == ('=HYPERLINK("http://x")', "@SUM(A1)")
    assert (second.first_name, second.last_name) == ("+1-2", "=cmd|' /C calc'!A0")
    _import(tmp_path, "XSS in names")
    first.refresh_from_db()
    assert (first.first_name, first.last_name) == (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
    )
    _import(tmp_path, "quoted newlines and delimiters")
    assert Customer.objects.get(external_ids__value="C1").street_address == "1 Main St,\r\nFlat 2"


def test_dates_from_excel_and_local_formats(tmp_path: Path) -> None:
    _import(tmp_path, "xlsx with title rows, real dates and numbers")
    ada, bob = (Customer.objects.get(external_ids__value=v) for v in ("C1", "C2"))
    assert ada.created_at.date().isoformat() == bob.created_at.date().isoformat() == "2024-03-31"


def test_local_numbers_and_currencies(tmp_path: Path) -> None:
    _import(tmp_path, "local numbers: decimal commas, thousands, currency signs")
    pen, cup = Product.objects.get(sku="P1"), Product.objects.get(sku="P2")
    assert (pen.price, pen.currency, pen.stock) == (Decimal("1234.50"), "EUR", 1000)
    assert (cup.price, cup.currency) == (Decimal("2.50"), "EUR")


def test_phones_are_normalised_with_the_shops_region(tmp_path: Path, settings) -> None:
    settings.SMARTCRM_DEFAULT_REGION = "US"
    _import(tmp_path, "invalid emails and phones")
    assert Customer.objects.get().phone == "+12025550143"
