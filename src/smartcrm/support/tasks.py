"""Support's Celery tasks: the SLA breach check (beat: every few minutes; see support/sla.py)."""

from __future__ import annotations

from dataclasses import asdict

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.support import sla


@smartcrm_task(name="smartcrm.support.check_sla_breaches")
def check_sla_breaches(self: Task) -> dict[str, int]:
    """Record the tickets that missed a target since the last run and alert on them (idempotent)."""
    return asdict(sla.check_breaches())
