"""Support's Celery tasks: the SLA breach check (beat: every few minutes; see support/sla.py) and
the recompute of the open tickets' due times after a policy or a calendar changed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.support import recompute, sla


@smartcrm_task(name="smartcrm.support.check_sla_breaches")
def check_sla_breaches(self: Task) -> dict[str, int]:
    """Record the tickets that missed a target since the last run and alert on them (idempotent)."""
    return asdict(sla.check_breaches())


@smartcrm_task(name="smartcrm.support.recompute_due_times")
def recompute_due_times(self: Task, run_id: int) -> dict[str, Any]:
    """Recompute the open tickets' due times for one ``DueTimeRecompute`` (id in, idempotent;
    progress as ``PROGRESS`` with ``done``/``total``, and on the record itself)."""

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    run = recompute.run_recompute(run_id, progress)
    return {"run": run.pk, "state": run.state, "done": run.done, "changed": run.changed}
