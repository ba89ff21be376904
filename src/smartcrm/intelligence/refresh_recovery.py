"""Fan-out refresh runs and chunks whose worker died (core/recovery.py registers this).

- a chunk left ``running``: back to ``pending`` and sent again (chunks are idempotent);
- a run left ``switching``: back to ``scoring`` and its switch sent again (the switch is one
  transaction: a cut-off one left nothing);
- a run left ``training``: ``interrupted`` (its versions stay staged, inactive); start another.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from smartcrm.core import heartbeat
from smartcrm.intelligence import jobs
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus
from smartcrm.intelligence.refresh import LIVE


def recover_stale(now: datetime) -> int:
    found = 0
    stuck = RefreshRun.objects.filter(status__in=[RefreshStatus.TRAINING, RefreshStatus.SWITCHING])
    for run in stuck.only("pk", "status", "worker", "heartbeat_at"):
        if not heartbeat.is_stale(run.heartbeat_at, run.worker, now):
            continue
        same = RefreshRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at)
        if run.status == RefreshStatus.TRAINING:
            found += same.update(
                status=RefreshStatus.INTERRUPTED,
                finished_at=now,
                message=_("Interrupted while training: the previous scores stay; start another refresh."),
            )
        elif same.update(status=RefreshStatus.SCORING):
            found += 1
            jobs.refresh_switch.send(run.pk)
    running = RefreshChunk.objects.filter(status=ChunkStatus.RUNNING, run__status__in=LIVE)
    for chunk in running.only("pk", "worker", "heartbeat_at"):
        if heartbeat.is_stale(chunk.heartbeat_at, chunk.worker, now) and RefreshChunk.objects.filter(
            pk=chunk.pk, status=ChunkStatus.RUNNING, heartbeat_at=chunk.heartbeat_at
        ).update(status=ChunkStatus.PENDING):
            found += 1
            jobs.refresh_chunk.send(chunk.pk)
    return found
