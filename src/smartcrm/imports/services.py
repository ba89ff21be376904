"""Running an import: ``run_request`` goes through the phases in order, each in its own module.

1. ``request.validate_request``: the kind and the external-id system are known and well formed;
2. ``opening.open_file``: sniff the format, find and map the header, choose the path, scan the
   whole file (a file that cannot be read is refused before anything is written);
3. ``runs.start_run``: record the run (or resume a cancelled one after its last batch);
4. ``writing.write_rows`` / ``write_bulk``: validate and write unit by unit in batches (the
   importer checks each row or order in its own savepoint), or the bulk path for large orders
   files; progress and errors go to the callbacks as they come;
5. report: ``runs.finish_run`` records the counts and first errors and audits the run; new
   customers are handed to the duplicates check.

``import_file`` is the same with keyword arguments (the tests and scripts); ``queue_import`` +
``execute_run`` are the background path: the ``run_import`` job (the Celery task in ``tasks.py``,
connected in ``apps.py``) calls ``execute_run`` with the run's id.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from smartcrm.core import audit, heartbeat
from smartcrm.core.actors import Actor
from smartcrm.dedup.services import check_new_customers
from smartcrm.imports import bulk, jobs, runs, uploads, writing
from smartcrm.imports.errors import ImportCancelled, ImportFileError
from smartcrm.imports.importers import Importer
from smartcrm.imports.kinds import importer_class
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.opening import OpenedFile, open_file
from smartcrm.imports.request import DEFAULT_SYSTEM, ImportRequest, validate_request
from smartcrm.imports.result import ErrorSink, ImportResult, ProgressCallback

__all__ = [
    "DEFAULT_SYSTEM",
    "ImportRequest",
    "ImportResult",
    "errors_path",
    "execute_run",
    "import_file",
    "queue_import",
    "run_request",
]

logger = logging.getLogger(__name__)

TASK_ACTOR = "task:import"


def run_request(
    request: ImportRequest,
    *,
    run: ImportRun | None = None,
    on_progress: ProgressCallback | None = None,
    on_error: ErrorSink | None = None,
) -> ImportResult:
    """Import one CSV or XLSX file; raises ImportFileError (writing nothing) if unreadable.

    Bad rows are reported (to ``on_error`` and in the result) and skipped; good rows are kept.
    Re-running a file changes nothing. ``dry_run`` validates and writes inside a transaction
    that is rolled back, so counts and errors are exact and nothing is kept, not even a run.
    A ``run`` that was cancelled or interrupted after some batches resumes after its
    ``last_row`` with its counts (customers and products; an orders run starts again, skipping
    the orders it already wrote). Between batches a run whose ``cancel_requested`` is set stops
    as ``cancelled``.
    """
    request, importer_type = validate_request(request)
    opened = open_file(request, importer_type)
    start_after = runs.resumes_after(run, request.kind)
    importer = importer_type(actor=request.actor, system=request.system)
    table = opened.table
    result = ImportResult(
        kind=request.kind,
        file_name=request.file_name,
        dry_run=request.dry_run,
        rows_total=table.rows_total,
        ignored_columns=table.ignored_columns,
    )
    if not request.dry_run:
        run = runs.start_run(
            run,
            kind=request.kind,
            file_name=request.file_name,
            system=request.system,
            actor=request.actor,
            total=table.rows_total,
        )
        result.run_id = run.pk
        if start_after:
            runs.restore_counts(result, run)
    if on_progress:
        on_progress(0, table.rows_total)
    try:
        with _rolled_back_if(request.dry_run):
            _write(request, opened, importer, result, run, start_after, on_progress, on_error)
    except ImportCancelled:
        assert run is not None
        runs.finish_run(
            run, result, request.actor, status=ImportStatus.CANCELLED, message=runs.CANCELLED_MESSAGE
        )
        return result
    except Exception as exc:
        logger.exception("import of %s stopped after %d rows", request.kind, result.processed)
        if run is not None:
            try:
                runs.fail_run(run, request.actor, exc)
            except Exception:  # the database may be what failed; the original error matters more
                logger.exception("could not record the failed import run %s", run.pk)
        raise
    return _report(request, importer, result, run)


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
    mapping: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> ImportResult:
    """``run_request`` with the request spelled as arguments (see ``ImportRequest``)."""
    request = ImportRequest(
        kind, Path(path), actor, system=system, dry_run=dry_run, mapping=mapping, limit=limit
    )
    return run_request(request, run=run, on_progress=on_progress, on_error=on_error)


@contextmanager
def _rolled_back_if(dry_run: bool) -> Iterator[None]:
    """A dry run writes inside a transaction that is rolled back at the end; a real one as it goes."""
    if not dry_run:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _write(
    request: ImportRequest,
    opened: OpenedFile,
    importer: Importer,
    result: ImportResult,
    run: ImportRun | None,
    start_after: int,
    on_progress: ProgressCallback | None,
    on_error: ErrorSink | None,
) -> None:
    """The write phase: the bulk path when chosen (row by row if it cannot parse the file)."""
    table = opened.table

    def should_stop() -> bool:
        return runs.cancel_requested(run)

    if opened.bulk:
        try:
            writing.write_bulk(
                table,
                result,
                system=request.system,
                on_error=on_error,
                on_progress=on_progress,
                should_stop=should_stop,
            )
        except bulk.BulkUnsupported:
            logger.info("bulk path cannot parse %s; importing row by row", request.file_name)
            table.scan()
            result.rows_total = table.rows_total
        else:
            if run is not None:
                run.rows_total = result.rows_total
                run.save(update_fields=["rows_total"])
            return

    def after_batch(last_row: int) -> None:
        if run is not None:
            run.last_row = last_row
            runs.save_progress(run, result)
        if on_progress:
            on_progress(result.processed, table.rows_total)

    writing.write_rows(
        importer,
        table,
        result,
        start_after=start_after,
        limit=request.limit,
        on_error=on_error,
        after_batch=after_batch,
        should_stop=should_stop,
    )


def _report(
    request: ImportRequest, importer: Importer, result: ImportResult, run: ImportRun | None
) -> ImportResult:
    """The report phase: new customers to the duplicates check, the run finished, a log line."""
    if not request.dry_run:
        result.duplicate_check = check_new_customers(importer.created_ids, actor=request.actor)
    if run is not None:
        runs.finish_run(run, result, request.actor, status=ImportStatus.DONE)
    logger.info(
        "import of %s: %d rows, %d created, %d updated, %d unchanged, %d failed",
        result.kind,
        result.rows_total,
        result.created,
        result.updated,
        result.unchanged,
        result.failed,
    )
    return result


def queue_import(kind: str, path: Path | str, *, actor: Actor, system: str = DEFAULT_SYSTEM) -> ImportRun:
    """Record a queued run for a stored file and hand its id to a worker once this commits."""
    importer_class(kind)  # raises ImportFileError for an unknown kind
    path = Path(path)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=path.name[:255],
        file_path=str(path),
        system=system,
        actor=audit.user_of(actor),
        status=ImportStatus.QUEUED,
    )
    jobs.run_import.on_commit(run.pk)
    return run


def errors_path(run: ImportRun) -> Path:
    """Where a background run writes all its row errors (the run itself keeps the first 1,000)."""
    return Path(f"{run.file_path}.errors.csv")


def execute_run(import_run_id: int, *, on_progress: ProgressCallback | None = None) -> ImportRun:
    """Run a recorded import by id. A finished run is left alone, and so is one that another
    live worker is running (a redelivered task); anything else runs (again), beating on the run
    while it does (core/heartbeat.py)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=import_run_id)
        if run.status in (ImportStatus.DONE, ImportStatus.CANCELLED, ImportStatus.DRAFT):
            return run
        if run.status == ImportStatus.RUNNING and not heartbeat.is_stale(run.heartbeat_at, run.worker):
            return run
        run.status, run.worker, run.heartbeat_at = ImportStatus.RUNNING, heartbeat.worker_id(), timezone.now()
        run.save(update_fields=["status", "worker", "heartbeat_at"])
    with heartbeat.beating(ImportRun, run.pk):
        return _execute(run, on_progress)


def _execute(run: ImportRun, on_progress: ProgressCallback | None) -> ImportRun:
    actor = run.actor or TASK_ACTOR
    resuming = bool(run.last_row) and run.kind != "orders"
    try:
        with (
            errors_path(run).open("a" if resuming else "w", encoding="utf-8", newline="") as handle,
            uploads.readable(run.file_path) as plain,  # an upload is decrypted only while it runs
        ):
            writer = csv.writer(handle)
            if not resuming:
                writer.writerow(["row", "column", "message"])
            request = ImportRequest(run.kind, plain, actor, system=run.system, mapping=run.mapping or None)
            run_request(
                request,
                run=run,
                on_progress=on_progress,
                on_error=lambda error: writer.writerow([error.row, error.column, error.message]),
            )
    except ImportFileError as exc:
        runs.record_failure(run, actor, str(exc))
    run.refresh_from_db()
    return run
