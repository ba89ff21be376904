"""Running an import: the file checked whole, then rows written in batches, every run recorded.

``import_file`` is what the CLI calls; ``queue_import`` + ``execute_run`` are the background
path (the Celery task in ``tasks.py`` calls ``execute_run`` with the run's id).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.dedup.services import check_new_customers
from smartcrm.imports import bulk
from smartcrm.imports.errors import ImportCancelled, ImportFileError, RowError
from smartcrm.imports.importers import IMPORTERS, Outcome
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.reader import Row, open_table

logger = logging.getLogger(__name__)

# Rows per transaction: large enough to amortise commits, small enough that a crash or a lock
# costs little and progress moves often. Each row (or order) has its own savepoint inside.
BATCH_ROWS = 500
# Errors kept on the ImportRun; the CLI's --errors-out file gets all of them.
MAX_STORED_ERRORS = 1000
DEFAULT_SYSTEM = "import"
TASK_ACTOR = "task:import"
CANCELLED_MESSAGE = "Cancelled; the batches before were kept. Resume to continue after them."

ProgressCallback = Callable[[int, int], None]
ErrorSink = Callable[[RowError], None]


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool = False
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    run_id: int | None = None
    duplicate_check: str = ""  # what was started to look for duplicates among new customers

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed


def _batches(units: Iterable[list[Row]], size: int) -> Iterator[list[list[Row]]]:
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


def percent(done: int, total: int) -> int:
    return 100 if total == 0 else min(100, done * 100 // total)


def import_file(
    kind: str,
    path: Path | str,
    *,
    actor: Actor,
    system: str = DEFAULT_SYSTEM,
    dry_run: bool = False,
    run: ImportRun | None = None,
    on_progress: ProgressCallback | None = None,
    on_error: ErrorSink | None = None,
    mapping: dict[str, str] | None = None,
    limit: int | None = None,
) -> ImportResult:
    """Import one CSV or XLSX file of ``kind``; raises ImportFileError (writing nothing) if unreadable.

    Bad rows are reported (to ``on_error`` and in the result) and skipped; good rows are kept.
    Re-running a file changes nothing. ``dry_run`` validates and writes inside a transaction
    that is rolled back, so counts and errors are exact and nothing is kept, not even a run.
    ``mapping`` (header text → column) replaces the built-in header names; ``limit`` stops after
    that many rows or orders (the wizard's preview). A ``run`` that was cancelled or interrupted
    after some batches resumes after its ``last_row`` with its counts (customers and products;
    an orders run starts again, skipping the orders it already wrote). Between batches a run
    whose ``cancel_requested`` is set stops as ``cancelled``.
    """
    importer_class = IMPORTERS.get(kind)
    if importer_class is None:
        raise ImportFileError(f"Unknown kind of import '{kind}'; use one of: {', '.join(IMPORTERS)}.")
    system = system.strip()
    if not system or len(system) > 40:
        raise ImportFileError("The external-id system must be 1 to 40 characters.")
    path = Path(path)
    table = open_table(
        path, importer_class.columns, group_by=importer_class.group_by, mapping=mapping or None, scan=False
    )
    use_bulk = kind == "orders" and not dry_run and limit is None and bulk.eligible(table)
    start_after = run.last_row if run is not None and kind != "orders" else 0
    if not use_bulk:
        table.scan()
    importer = importer_class(actor=actor, system=system)
    result = ImportResult(
        kind=kind,
        file_name=path.name,
        dry_run=dry_run,
        rows_total=table.rows_total,
        ignored_columns=table.ignored_columns,
    )
    if not dry_run:
        run = _start_run(
            run, kind=kind, file_name=path.name, system=system, actor=actor, total=table.rows_total
        )
        result.run_id = run.pk
        if start_after:
            result.created, result.updated = run.rows_created, run.rows_updated
            result.unchanged, result.failed = run.rows_unchanged, run.rows_failed
            result.errors = [RowError(**error) for error in run.errors]
            result.error_count = len(result.errors)  # of the batches before (at most the stored ones)
    if on_progress:
        on_progress(0, table.rows_total)

    def process_bulk() -> None:
        job = bulk.BulkOrderImport(
            table,
            system=system,
            on_error=on_error,
            on_progress=on_progress,
            should_stop=lambda: _cancel_requested(run),
        )
        counts = job.run()
        result.rows_total, result.created = counts.rows_total, counts.created
        result.unchanged, result.failed = counts.unchanged, counts.failed
        result.error_count, result.errors = counts.error_count, counts.errors[:MAX_STORED_ERRORS]
        if run is not None:
            run.rows_total = counts.rows_total
            run.save(update_fields=["rows_total"])

    def process() -> None:
        if use_bulk:
            try:
                return process_bulk()
            except bulk.BulkUnsupported:
                logger.info("bulk path cannot parse %s; importing row by row", path.name)
                table.scan()
                result.rows_total = table.rows_total
        units = importer.units(table, start_after=start_after)
        for batch in _batches(islice(units, limit) if limit is not None else units, BATCH_ROWS):
            with transaction.atomic():
                outcomes = importer.import_batch(batch)
            for outcome in outcomes:
                count = len(outcome.rows)
                if outcome.outcome is Outcome.CREATED:
                    result.created += count
                elif outcome.outcome is Outcome.UPDATED:
                    result.updated += count
                elif outcome.outcome is Outcome.UNCHANGED:
                    result.unchanged += count
                else:
                    result.failed += count
                for error in outcome.errors:
                    result.error_count += 1
                    if len(result.errors) < MAX_STORED_ERRORS:
                        result.errors.append(error)
                    if on_error:
                        on_error(error)
            if run is not None:
                run.last_row = max(row.number for unit in batch for row in unit)
                _save_progress(run, result)
            if on_progress:
                on_progress(result.processed, table.rows_total)
            if _cancel_requested(run):
                raise ImportCancelled

    try:
        if dry_run:
            with transaction.atomic():
                process()
                transaction.set_rollback(True)
        else:
            process()
    except ImportCancelled:
        assert run is not None
        _finish_run(run, result, actor, status=ImportStatus.CANCELLED, message=CANCELLED_MESSAGE)
        return result
    except Exception:
        logger.exception("import of %s stopped after %d rows", kind, result.processed)
        if run is not None:
            try:
                _finish_run(run, result, actor, status=ImportStatus.FAILED, message=_stopped_message(result))
            except Exception:  # the database may be what failed; the original error matters more
                logger.exception("could not record the failed import run %s", run.pk)
        raise
    if not dry_run:
        result.duplicate_check = check_new_customers(importer.created_ids, actor=actor)
    if run is not None:
        _finish_run(run, result, actor, status=ImportStatus.DONE)
    logger.info(
        "import of %s: %d rows, %d created, %d updated, %d unchanged, %d failed",
        kind,
        result.rows_total,
        result.created,
        result.updated,
        result.unchanged,
        result.failed,
    )
    return result


def _cancel_requested(run: ImportRun | None) -> bool:
    return run is not None and ImportRun.objects.filter(pk=run.pk, cancel_requested=True).exists()


def _stopped_message(result: ImportResult) -> str:
    return (
        f"Stopped by an unexpected error after {result.processed} of {result.rows_total} rows; "
        "the rows before were kept. Re-running the import is safe."
    )


def _start_run(
    run: ImportRun | None, *, kind: str, file_name: str, system: str, actor: Actor, total: int
) -> ImportRun:
    if run is None:
        return ImportRun.objects.create(
            kind=kind,
            file_name=file_name[:255],
            system=system,
            actor=audit.user_of(actor),
            status=ImportStatus.RUNNING,
            rows_total=total,
        )
    run.status, run.rows_total, run.message, run.cancel_requested = ImportStatus.RUNNING, total, "", False
    if not run.last_row or kind == "orders":
        # Started again from the top (a retried task, an orders run resumed) counts from zero.
        run.progress, run.errors, run.last_row = 0, [], 0
        run.rows_created = run.rows_updated = run.rows_unchanged = run.rows_failed = 0
    run.save()
    return run


def _save_progress(run: ImportRun, result: ImportResult) -> None:
    run.progress = percent(result.processed, result.rows_total)
    run.rows_created, run.rows_updated = result.created, result.updated
    run.rows_unchanged, run.rows_failed = result.unchanged, result.failed
    run.save(
        update_fields=[
            "progress",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "rows_failed",
            "last_row",
        ]
    )


@transaction.atomic
def _finish_run(
    run: ImportRun, result: ImportResult, actor: Actor, *, status: str, message: str = ""
) -> None:
    _save_progress(run, result)
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.errors = [error.as_dict() for error in result.errors]
    if status == ImportStatus.DONE:
        run.progress = 100
    run.save(update_fields=["status", "message", "finished_at", "errors", "progress"])
    audit.record(
        actor,
        AuditAction.IMPORT,
        object_type="imports.importrun",
        object_id=str(run.pk),
        changes={
            "kind": run.kind,
            "status": status,
            "rows_total": result.rows_total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "failed": result.failed,
        },
    )


def queue_import(kind: str, path: Path | str, *, actor: Actor, system: str = DEFAULT_SYSTEM) -> ImportRun:
    """Record a queued run for a stored file and hand its id to a worker once this commits."""
    from smartcrm.imports.tasks import run_import

    if kind not in IMPORTERS:
        raise ImportFileError(f"Unknown kind of import '{kind}'; use one of: {', '.join(IMPORTERS)}.")
    path = Path(path)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=path.name[:255],
        file_path=str(path),
        system=system,
        actor=audit.user_of(actor),
        status=ImportStatus.QUEUED,
    )
    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def errors_path(run: ImportRun) -> Path:
    """Where a background run writes all its row errors (the run itself keeps the first 1,000)."""
    return Path(f"{run.file_path}.errors.csv")


def execute_run(import_run_id: int, *, on_progress: ProgressCallback | None = None) -> ImportRun:
    """Run a recorded import by id. A finished run is left alone; anything else runs (again)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=import_run_id)
        if run.status in (ImportStatus.DONE, ImportStatus.CANCELLED, ImportStatus.DRAFT):
            return run
        run.status = ImportStatus.RUNNING
        run.save(update_fields=["status"])
    actor = run.actor or TASK_ACTOR
    resuming = bool(run.last_row) and run.kind != "orders"
    try:
        with errors_path(run).open("a" if resuming else "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if not resuming:
                writer.writerow(["row", "column", "message"])
            import_file(
                run.kind,
                run.file_path,
                actor=actor,
                system=run.system,
                run=run,
                on_progress=on_progress,
                on_error=lambda error: writer.writerow([error.row, error.column, error.message]),
                mapping=run.mapping or None,
            )
    except ImportFileError as exc:
        run.status, run.message, run.finished_at = ImportStatus.FAILED, str(exc), timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        audit.record(
            actor,
            AuditAction.IMPORT,
            object_type="imports.importrun",
            object_id=str(run.pk),
            changes={"kind": run.kind, "status": ImportStatus.FAILED},
        )
    run.refresh_from_db()
    return run
