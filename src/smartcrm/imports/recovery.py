"""Imports whose worker died mid-run: marked ``interrupted``, to be resumed by a person.

The rows of every committed batch are kept, with the run's ``last_row`` committed in the same
transaction (writing.py), so a resumed run continues after exactly those rows.
"""

from __future__ import annotations

from datetime import datetime

from smartcrm.core import heartbeat
from smartcrm.imports.models import ImportRun, ImportStatus


def interrupted_message(run: ImportRun) -> str:
    kept = f"the rows up to file row {run.last_row} are kept" if run.last_row else "no batch was committed"
    return (
        f"Interrupted: the process running this import stopped ({run.worker or 'unknown'}) and {kept}. "
        "Resume to continue after them; nothing is imported twice."
    )


def recover_stale(now: datetime) -> int:
    """Mark the running imports whose worker stopped as interrupted; how many."""
    found = 0
    for run in ImportRun.objects.filter(status=ImportStatus.RUNNING).only(
        "pk", "worker", "heartbeat_at", "last_row"
    ):
        if not heartbeat.is_stale(run.heartbeat_at, run.worker, now):
            continue
        found += ImportRun.objects.filter(
            pk=run.pk, status=ImportStatus.RUNNING, heartbeat_at=run.heartbeat_at
        ).update(status=ImportStatus.INTERRUPTED, message=interrupted_message(run))
    return found
