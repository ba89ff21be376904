"""Each phase of an import on its own: the request check, opening, writing, the run record, the result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartcrm.core.models import AuditEvent
from smartcrm.imports import opening, runs, writing
from smartcrm.imports.errors import ImportCancelled, ImportFileError, RowError
from smartcrm.imports.importers import CustomerImporter, Importer, OrderImporter, Outcome, UnitResult
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.reader import Row, Table
from smartcrm.imports.request import ImportRequest, validate_request
from smartcrm.imports.result import MAX_STORED_ERRORS, ImportResult, percent
from smartcrm.imports.services import import_file, run_request

CUSTOMERS = (
    "Customer ID,E-Mail,Loyalty,first_name\nC1,a@example.com,gold,Ada\nC2,b@example.com,,Bo\n\nC3,,,Cy\n"
)


def _request(path: Path | str = "x.csv", **kwargs: Any) -> ImportRequest:
    return ImportRequest(kwargs.pop("kind", "customers"), Path(path), "test", **kwargs)


# -- validate the request ---------------------------------------------------------------------
def test_a_request_is_checked_before_the_file_is_opened() -> None:
    request, importer = validate_request(_request("/no/such/file.csv", system="  shopify "))
    assert importer is CustomerImporter
    assert request.system == "shopify"
    with pytest.raises(ImportFileError, match="Unknown kind of import 'invoices'"):
        validate_request(_request(kind="invoices"))
    for system in ("   ", "x" * 41):
        with pytest.raises(ImportFileError, match="1 to 40 characters"):
            validate_request(_request(system=system))


def test_a_request_is_frozen_and_knows_its_file_name() -> None:
    request = _request("shop/customers.csv")
    assert request.file_name == "customers.csv"
    with pytest.raises(AttributeError):
        request.kind = "orders"  # type: ignore[misc]


# -- open, sniff and map ----------------------------------------------------------------------
def test_opening_maps_the_header_and_scans_the_rows(write_csv: Callable[..., Path]) -> None:
    opened = opening.open_file(_request(write_csv(CUSTOMERS)), CustomerImporter)
    assert not opened.bulk
    assert opened.table.rows_total == 3  # the blank line is no row
    assert set(opened.table.positions) == {"external_id", "email", "first_name"}
    assert opened.table.ignored_columns == ["loyalty"]


def test_opening_follows_the_request_mapping(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Kundennummer,Name\nC1,Ada\n")
    with pytest.raises(ImportFileError):
        opening.open_file(_request(path), CustomerImporter)
    opened = opening.open_file(
        _request(path, mapping={"Kundennummer": "external_id", "Name": "first_name"}), CustomerImporter
    )
    assert opened.table.positions == {"external_id": 0, "first_name": 1}


def test_only_a_real_orders_import_can_take_the_bulk_path(
    write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening.bulk, "eligible", lambda table: True)
    orders = write_csv("order_external_id,customer_external_id,sku,quantity,unit_price,placed_at\n")
    opened = opening.open_file(_request(orders, kind="orders"), OrderImporter)
    assert opened.bulk
    assert opened.table.rows_total == 0  # not scanned: the bulk path reads the file itself
    for request in (_request(orders, kind="orders", dry_run=True), _request(orders, kind="orders", limit=5)):
        assert not opening.takes_bulk_path(request, opened.table)
    customers = opening.open_file(_request(write_csv(CUSTOMERS)), CustomerImporter)
    assert not customers.bulk


# -- write ------------------------------------------------------------------------------------
class FakeImporter(Importer):
    """Units of one row each; row numbers in ``bad`` fail, the rest are created."""

    kind = "fake"
    columns = ()

    def __init__(self, numbers: list[int], bad: frozenset[int] = frozenset()) -> None:
        super().__init__(actor="test", system="import")
        self.numbers, self.bad = numbers, bad
        self.batches: list[list[int]] = []

    def units(self, table: Table, *, start_after: int = 0) -> Iterator[list[Row]]:
        for number in self.numbers:
            if number > start_after:
                yield [Row(number, {})]

    def import_batch(self, units: list[list[Row]]) -> list[UnitResult]:
        self.batches.append([unit[0].number for unit in units])
        return [
            UnitResult(Outcome.FAILED, unit, [RowError(unit[0].number, "", "bad")])
            if unit[0].number in self.bad
            else UnitResult(Outcome.CREATED, unit)
            for unit in units
        ]


def test_batches_never_split_a_unit() -> None:
    units = [[Row(1, {})], [Row(2, {}), Row(3, {})], [Row(4, {})]]
    assert [[len(u) for u in batch] for batch in writing.batches(units, 2)] == [[1, 2], [1]]


@pytest.mark.django_db
def test_writing_goes_batch_by_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    importer = FakeImporter([2, 3, 4, 5, 6], bad=frozenset({4}))
    result, seen, errors = ImportResult("fake", "f.csv"), [], []
    writing.write_rows(
        importer,
        None,
        result,
        start_after=2,
        limit=3,
        on_error=errors.append,
        after_batch=seen.append,  # type: ignore[arg-type]
    )
    assert importer.batches == [[3, 4], [5]]
    assert seen == [4, 5]
    assert (result.created, result.failed, result.error_count) == (2, 1, 1)
    assert errors == [RowError(4, "", "bad")]


@pytest.mark.django_db
def test_writing_stops_after_the_batch_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    importer = FakeImporter([1, 2, 3, 4])
    result = ImportResult("fake", "f.csv")
    with pytest.raises(ImportCancelled):
        writing.write_rows(importer, None, result, should_stop=lambda: True)  # type: ignore[arg-type]
    assert importer.batches == [[1, 2]]
    assert result.created == 2


# -- the result -------------------------------------------------------------------------------
def test_the_result_counts_rows_and_keeps_the_first_errors() -> None:
    result = ImportResult("orders", "o.csv")
    order = [Row(1, {}), Row(2, {})]
    result.count([UnitResult(Outcome.CREATED, order), UnitResult(Outcome.UNCHANGED, [Row(3, {})])])
    assert (result.created, result.unchanged, result.processed) == (2, 1, 3)
    sink: list[RowError] = []
    for number in range(MAX_STORED_ERRORS + 5):
        result.add_error(RowError(number, "", "bad"), sink.append)
    assert (result.error_count, len(result.errors), len(sink)) == (
        MAX_STORED_ERRORS + 5,
        MAX_STORED_ERRORS,
        MAX_STORED_ERRORS + 5,
    )
    assert (percent(0, 0), percent(1, 3), percent(5, 4)) == (100, 33, 100)


# -- the run record and the report --------------------------------------------------------------
@pytest.mark.django_db
def test_a_run_is_started_resumed_and_finished() -> None:
    run = runs.start_run(None, kind="customers", file_name="c.csv", system="import", actor="test", total=10)
    assert (run.status, run.rows_total, runs.resumes_after(run, "customers")) == (ImportStatus.RUNNING, 10, 0)
    result = ImportResult("customers", "c.csv", rows_total=10, created=4, failed=1)
    result.add_error(RowError(3, "email", "bad"))
    run.last_row = 6
    runs.finish_run(run, result, "test", status=ImportStatus.CANCELLED, message=runs.CANCELLED_MESSAGE)
    run.refresh_from_db()
    assert (run.status, run.progress, run.rows_created, run.errors) == (
        ImportStatus.CANCELLED,
        50,
        4,
        [{"row": 3, "column": "email", "message": "bad"}],
    )
    assert AuditEvent.objects.filter(object_type="imports.importrun", object_id=str(run.pk)).exists()

    assert runs.resumes_after(run, "customers") == 6
    assert runs.resumes_after(run, "orders") == 0
    again = runs.start_run(run, kind="customers", file_name="c.csv", system="import", actor="test", total=10)
    resumed = ImportResult("customers", "c.csv")
    runs.restore_counts(resumed, again)
    assert (resumed.created, resumed.failed, resumed.error_count) == (4, 1, 1)
    assert not runs.cancel_requested(again)
    ImportRun.objects.filter(pk=again.pk).update(cancel_requested=True)
    assert runs.cancel_requested(again)


@pytest.mark.django_db
def test_run_request_is_import_file_with_a_request(write_csv: Callable[..., Path]) -> None:
    path = write_csv(CUSTOMERS)
    dry = run_request(_request(path, dry_run=True))
    assert (dry.created, dry.run_id) == (3, None)
    kept = import_file("customers", path, actor="test")
    assert (kept.created, kept.ignored_columns) == (3, ["loyalty"])
    assert ImportRun.objects.get(pk=kept.run_id).status == ImportStatus.DONE
