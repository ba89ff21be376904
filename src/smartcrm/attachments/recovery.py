"""Attachments whose reading worker died: read again, or failed after ``MAX_ATTEMPTS`` readings.

``process_attachment`` marks the row ``processing`` with its worker and a heartbeat renewed
while the reader runs (``core/heartbeat.py``). A worker killed meanwhile (SIGKILL, out of
memory on a pathological file, a restart) leaves the row ``processing`` with a silent
heartbeat; the stale-run sweep (``core/recovery.py``: at a worker's start, every lease period,
``smartcrm recover``) hands it here. Reading is idempotent (what was read replaces what was
there), so a first stop sends the job again; a file whose reading stopped ``MAX_ATTEMPTS``
times is likely what kills the worker, so it is marked ``failed`` with the reason instead of
being tried forever. Each change is a conditional UPDATE on the heartbeat read, so two
sweepers, or a sweeper and a worker that finishes meanwhile, never both win.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from smartcrm.attachments import jobs
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core import heartbeat

MAX_ATTEMPTS = 2


def recover_stale(now: datetime) -> int:
    """Read again, or fail, each attachment whose reading worker stopped; how many."""
    found = 0
    processing = Attachment.objects.filter(status=AttachmentStatus.PROCESSING)
    for attachment in processing.only("pk", "worker", "heartbeat_at", "attempts"):
        if not heartbeat.is_stale(attachment.heartbeat_at, attachment.worker, now):
            continue
        taken = Attachment.objects.filter(
            pk=attachment.pk, status=AttachmentStatus.PROCESSING, heartbeat_at=attachment.heartbeat_at
        )
        if attachment.attempts < MAX_ATTEMPTS:
            if taken.update(status=AttachmentStatus.PENDING, progress=0, worker="", heartbeat_at=None):
                jobs.process_attachment.send(attachment.pk)
                found += 1
            continue
        found += taken.update(
            status=AttachmentStatus.FAILED,
            progress=100,
            worker="",
            processed_at=now,
            reason=_(
                "Reading stopped %(n)d times (the worker ended while reading this file); not tried again."
            )
            % {"n": attachment.attempts},
        )
    return found
