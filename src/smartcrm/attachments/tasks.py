"""Reading attachments in the background (ids in, idempotent, never a crashed worker)."""

from __future__ import annotations

from typing import Any

from celery import Task

from smartcrm.attachments import services
from smartcrm.core.tasks import smartcrm_task


@smartcrm_task(name="smartcrm.attachments.process")
def process_attachment_task(self: Task, attachment_id: int) -> dict[str, Any]:
    """Read attachment ``attachment_id``; a second run of a finished one does nothing."""
    return services.process_attachment(attachment_id)
