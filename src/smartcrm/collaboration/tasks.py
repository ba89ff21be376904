"""The collaboration's Celery tasks: the email digests (beat: hourly and nightly)."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task

from . import digest


@smartcrm_task(name="smartcrm.collaboration.send_digests")
def send_digests(self: Task, frequency: str) -> int:
    """Mail the users on ``frequency`` ("hourly" or "daily") their unread notifications."""
    return digest.send_digests(frequency).sent
