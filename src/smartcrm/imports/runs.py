"""The ImportRun record of an import: started (or resumed), its progress per batch, finished.

Finishing is the import's report: the run keeps the counts and the first errors, and the audit
log says who imported what and how it ended.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction
from django.utils import timezone

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.connection import reconnect_if_broken
from smartcrm.imports import uploads
from smartcrm.imports.errors import RowError
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.result import ImportResult, percent

CANCELLED_MESSAGE = "Cancelled; the batches before were kept. Resume to continue after them."


def resumes_after(run: ImportRun | None, kind: str) -> int:
    """The record a run continues after: its last committed batch (an orders run starts over)."""
    return run.last_row if run is not None and kind != "orders" else 0


def start_run(
    run: ImportRun | None, *, kind: str, file_name: str, system: str, actor: Actor, total: int
) -> ImportRun:
    """A new running ImportRun, or ``run`` set running again (from zero unless it resumes)."""
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


def restore_counts(result: ImportResult, run: ImportRun) -> None:
    """A resumed run's result starts from the counts and errors of the batches before."""
    result.created, result.updated = run.rows_created, run.rows_updated
    result.unchanged, result.failed = run.rows_unchanged, run.rows_failed
    result.errors = [RowError(**error) for error in run.errors]
    result.error_count = len(result.errors)  # of the batches before (at most the stored ones)


def cancel_requested(run: ImportRun | None) -> bool:
    return run is not None and ImportRun.objects.filter(pk=run.pk, cancel_requested=True).exists()


def save_progress(run: ImportRun, result: ImportResult) -> None:
    """The counts, first errors and last row so far (in the batch's transaction: see writing.py)."""
    run.progress = percent(result.processed, result.rows_total)
    run.rows_created, run.rows_updated = result.created, result.updated
    run.rows_unchanged, run.rows_failed = result.unchanged, result.failed
    run.errors = [error.as_dict() for error in result.errors]
    run.save(
        update_fields=[
            "progress",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "rows_failed",
            "errors",
            "last_row",
        ]
    )


def record_failure(run: ImportRun, actor: Actor, message: str) -> None:
    """Mark the run failed with ``message`` for the person who started it, and audit it."""
    run.status, run.message, run.finished_at = ImportStatus.FAILED, message, timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    audit.record(
        actor,
        AuditAction.IMPORT,
        object_type="imports.importrun",
        object_id=str(run.pk),
        changes={"kind": run.kind, "status": ImportStatus.FAILED, "last_row": run.last_row},
    )


def fail_run(run: ImportRun, actor: Actor, error: BaseException) -> None:
    """Record an unexpected stop from what is committed, not from memory: the batch that failed
    was rolled back with the progress it had counted, and its connection may be what died."""
    reconnect_if_broken()
    with transaction.atomic():
        run.refresh_from_db()
        kept = f"the rows up to file row {run.last_row} were kept" if run.last_row else "no batch was kept"
        cause = "the database connection was lost" if isinstance(error, DatabaseError) else "an error"
        record_failure(
            run,
            actor,
            f"Stopped by an unexpected error ({cause}, {type(error).__name__}); {kept}. "
            "Resume to continue after them; nothing is imported twice.",
        )


@transaction.atomic
def finish_run(run: ImportRun, result: ImportResult, actor: Actor, *, status: str, message: str = "") -> None:
    """Record how the run ended, with its counts and first errors, and audit it."""
    save_progress(run, result)
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.errors = [error.as_dict() for error in result.errors]
    if status == ImportStatus.DONE:
        run.progress = 100
    run.save(update_fields=["status", "message", "finished_at", "errors", "progress"])
    if status == ImportStatus.DONE:
        uploads.delete_file(run.file_path)  # an uploaded file's data is no longer needed
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
