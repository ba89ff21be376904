"""Bulk de-duplication as a background task."""

from __future__ import annotations

from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.dedup.services import check_customers, find_duplicates


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


@smartcrm_task(name="smartcrm.dedup.check_customers")
def check_customers_task(self: Task, customer_ids: list[int]) -> dict[str, Any]:
    """Check newly imported customers for duplicates (ids in, idempotent; progress as ``PROGRESS``)."""

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return {"checked": len(customer_ids), "matched": check_customers(customer_ids, progress)}
