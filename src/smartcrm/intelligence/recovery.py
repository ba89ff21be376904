"""Training runs whose worker died: marked ``interrupted``. Nothing else needs undoing: their
versions were staged inactive and the scores were never switched (training.py)."""

from __future__ import annotations

from datetime import datetime

from smartcrm.core import heartbeat
from smartcrm.intelligence.models import TrainingRun, TrainingStatus

MESSAGE = (
    "Interrupted: the process training stopped. Every model and score is still the previous "
    "training's; run `smartcrm train` again."
)


def recover_stale(now: datetime) -> int:
    found = 0
    for run in TrainingRun.objects.filter(status=TrainingStatus.RUNNING).only("pk", "worker", "heartbeat_at"):
        if heartbeat.is_stale(run.heartbeat_at, run.worker, now):
            found += TrainingRun.objects.filter(
                pk=run.pk, status=TrainingStatus.RUNNING, heartbeat_at=run.heartbeat_at
            ).update(status=TrainingStatus.INTERRUPTED, message=MESSAGE, finished_at=now)
    return found
