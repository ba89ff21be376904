"""Background imports: the same import as the CLI, for a run recorded with its stored file."""

from __future__ import annotations

from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.imports.result import percent
from smartcrm.imports.services import execute_run


@smartcrm_task(name="smartcrm.imports.run_import")
def run_import(self: Task, import_run_id: int) -> dict[str, Any]:
    """Run ImportRun ``import_run_id``; idempotent (a done run is not re-run), progress as it goes.

    Progress is saved on the run after every batch (what the web UI polls) and published as the
    Celery state ``PROGRESS`` with ``{"import_run_id", "done", "total", "percent"}``.
    """

    def report(done: int, total: int) -> None:
        if self.request.id and not self.request.called_directly:
            meta = {
                "import_run_id": import_run_id,
                "done": done,
                "total": total,
                "percent": percent(done, total),
            }
            self.update_state(state="PROGRESS", meta=meta)

    run = execute_run(import_run_id, on_progress=report)
    return {
        "import_run_id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "rows_total": run.rows_total,
        "rows_created": run.rows_created,
        "rows_updated": run.rows_updated,
        "rows_unchanged": run.rows_unchanged,
        "rows_failed": run.rows_failed,
    }
