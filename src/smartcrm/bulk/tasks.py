"""The bulk actions' Celery task (the ``bulk`` queue)."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task

from . import runner


@smartcrm_task(name="smartcrm.bulk.run_bulk")
def run_bulk(self: Task, run_id: int) -> int:
    """Apply the run's action to its customers; returns how many were done."""
    return runner.run(run_id)
