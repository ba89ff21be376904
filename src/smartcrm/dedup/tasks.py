"""Bulk de-duplication as a background task."""

from __future__ import annotations

from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.dedup.services import find_duplicates


@smartcrm_task(name="smartcrm.dedup.find_duplicates")
def find_duplicates_task(self: Task, run_id: int) -> dict[str, Any]:
    """Run one ``DedupRun`` (ids in; a rerun refreshes the same pending pairs). Progress is the
    Celery state ``PROGRESS`` with the stage, and the run's own ``stage``/``percent``."""

    def progress(stage: str, fraction: float) -> None:
        self.update_state(state="PROGRESS", meta={"stage": stage, "percent": round(100 * fraction)})

    run = find_duplicates(run_id=run_id, progress=progress)
    return {
        "run": run.pk,
        "pairs_found": run.pairs_found,
        "auto_merged": run.auto_merged,
        "seconds": run.seconds,
    }
