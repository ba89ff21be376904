"""The nightly retention run (``CELERY_BEAT_SCHEDULE["privacy-retention"]``)."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.privacy import services


@smartcrm_task(name="smartcrm.privacy.apply_retention")
def apply_retention(self: Task) -> dict[str, int]:
    return services.apply_retention(actor="task:retention")
