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

A row can also stay ``pending`` with no job on its way: the job was lost between the commit
and the queue (Redis down at that moment, a worker's queue flushed). A pending row whose job
was sent longer than ``pending_wait()`` ago (its ``heartbeat_at`` records each sending; the
upload time when there was none) is sent again, at most once per that wait. A second delivery
is harmless: ``process_attachment`` skips a finished row and one another worker is reading.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from smartcrm.attachments import jobs
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core import heartbeat

MAX_ATTEMPTS = 2
# How long a row may wait "pending" for its job before the job is sent again (a long queue after
# a bulk import is normal, so well beyond the lease a running reading beats within).
PENDING_WAIT_MINIMUM = timedelta(minutes=10)


def pending_wait() -> timedelta:
    return max(PENDING_WAIT_MINIMUM, heartbeat.lease())


def recover_stale(now: datetime) -> int:
    """Read again, or fail, each attachment whose reading worker stopped, and send the job again
    for each one left waiting with no job on its way; how many."""
    return _recover_processing(now) + _resend_pending(now)


def _resend_pending(now: datetime) -> int:
    """Send the reading job again for rows still pending ``pending_wait()`` after it was sent."""
    found = 0
    before = now - pending_wait()
    waiting = Attachment.objects.filter(status=AttachmentStatus.PENDING).filter(
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, created_at__lt=before)
    )
    for attachment in waiting.only("pk", "heartbeat_at"):
        # Conditional on the value read: of two sweepers, one sends.
        if Attachment.objects.filter(
            pk=attachment.pk, status=AttachmentStatus.PENDING, heartbeat_at=attachment.heartbeat_at
        ).update(heartbeat_at=now):
            jobs.process_attachment.send(attachment.pk)
            found += 1
    return found


def _recover_processing(now: datetime) -> int:
    found = 0
    processing = Attachment.objects.filter(status=AttachmentStatus.PROCESSING)
    for attachment in processing.only("pk", "worker", "heartbeat_at", "attempts"):
        if not heartbeat.is_stale(attachment.heartbeat_at, attachment.worker, now):
            continue
        taken = Attachment.objects.filter(
            pk=attachment.pk, status=AttachmentStatus.PROCESSING, heartbeat_at=attachment.heartbeat_at
        )
        if attachment.attempts < MAX_ATTEMPTS:
            # heartbeat_at of a pending row: when its job was sent (the pending sweep's clock).
            if taken.update(status=AttachmentStatus.PENDING, progress=0, worker="", heartbeat_at=now):
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
