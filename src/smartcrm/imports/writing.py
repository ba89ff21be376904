"""Writing an opened file: row by row in batches through an importer, or the bulk path for orders.

Row by row, each batch is one transaction and each unit (a row, or an order's lines) its own
savepoint inside it, where the importer validates the unit and writes it or rejects it. At the
end of each batch, inside its transaction, ``after_batch`` is told the last record number
written (the run saves its progress there), so the rows and the point a resumed run continues
from are committed together: a process killed at any instant leaves no row that a resume would
write again. Then ``should_stop`` is asked whether to stop (a cancelled run). Neither path
knows about ImportRun: the caller passes those callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import transaction

from smartcrm.imports import bulk
from smartcrm.imports.errors import ImportCancelled
from smartcrm.imports.importers import Importer
from smartcrm.imports.reader import Row, Table
from smartcrm.imports.result import MAX_STORED_ERRORS, ErrorSink, ImportResult, ProgressCallback

# Rows per transaction: large enough to amortise commits, small enough that a crash or a lock
# costs little and progress moves often. Each row (or order) has its own savepoint inside.
BATCH_ROWS = 500


def never() -> bool:
    return False


def batches(units: Iterable[list[Row]], size: int) -> Iterator[list[list[Row]]]:
    """Units grouped into batches of at least ``size`` rows (an order is never split)."""
    batch: list[list[Row]] = []
    rows = 0
    for unit in units:
        batch.append(unit)
        rows += len(unit)
        if rows >= size:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def write_rows(
    importer: Importer,
    table: Table,
    result: ImportResult,
    *,
    start_after: int = 0,
    limit: int | None = None,
    on_error: ErrorSink | None = None,
    after_batch: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] = never,
) -> None:
    """Import the table's units after record ``start_after`` (at most ``limit``) into ``result``.

    Raises ImportCancelled after a batch when ``should_stop()`` says so; the batches before stay.
    """
    units = importer.units(table, start_after=start_after)
    for batch in batches(islice(units, limit) if limit is not None else units, BATCH_ROWS):
        with transaction.atomic():
            outcomes = importer.import_batch(batch)
            result.count(outcomes, on_error)
            if after_batch:
                after_batch(max(row.number for unit in batch for row in unit))
        if should_stop():
            raise ImportCancelled


def write_bulk(
    table: Table,
    result: ImportResult,
    *,
    system: str,
    on_error: ErrorSink | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] = never,
) -> None:
    """Import an orders file the bulk way (``bulk.BulkOrderImport``) into ``result``.

    Raises ``bulk.BulkUnsupported`` (nothing written) when the file needs the row path.
    """
    job = bulk.BulkOrderImport(
        table, system=system, on_error=on_error, on_progress=on_progress, should_stop=should_stop
    )
    counts = job.run()
    result.rows_total, result.created = counts.rows_total, counts.created
    result.unchanged, result.failed = counts.unchanged, counts.failed
    result.error_count, result.errors = counts.error_count, counts.errors[:MAX_STORED_ERRORS]
