"""De-duplication runs whose worker died: marked ``interrupted`` (resume runs them again)."""

from __future__ import annotations

from datetime import datetime

from smartcrm.core import heartbeat
from smartcrm.dedup.models import DedupRun, RunState

MESSAGE = (
    "Interrupted: the process running it stopped. Resume to run it again; decided pairs keep their decision."
)


def recover_stale(now: datetime) -> int:
    """Mark the running runs whose worker stopped as interrupted; how many.

    A run that was only requested (no worker has beaten on it yet) is left alone until a lease
    after it was started: its job may still be waiting in the queue.
    """
    found = 0
    for run in DedupRun.objects.filter(state=RunState.RUNNING).only(
        "pk", "worker", "heartbeat_at", "started_at"
    ):
        beat = run.heartbeat_at or run.started_at
        if not heartbeat.is_stale(beat, run.worker, now):
            continue
        found += DedupRun.objects.filter(
            pk=run.pk, state=RunState.RUNNING, heartbeat_at=run.heartbeat_at
        ).update(state=RunState.INTERRUPTED, error=MESSAGE[:300], finished_at=now)
    return found
