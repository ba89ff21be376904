"""A reading whose worker died (simulated by its timestamps: nothing is killed) is read again by
the stale-run sweep, or failed once it has stopped twice; a live reading is left alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.attachments import jobs, owners, recovery, services
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core import heartbeat
from smartcrm.core import recovery as core_recovery
from tests import factories

pytestmark = pytest.mark.django_db


def _message() -> Any:
    return factories.TicketMessageFactory(
        ticket=factories.TicketFactory(customer=factories.CustomerFactory())
    )


def _processing(message: Any, name: str, *, attempts: int, silent_for: timedelta, worker: str) -> Attachment:
    """An attachment left "processing" by a worker that beat last ``silent_for`` ago."""
    attachment = services.add_attachment(
        actor="test", owner=owners.of_message(message), name=name, data=f"Order SO-00000042, {name}".encode()
    )  # its reading job waits for a commit that never comes in this test: nothing reads it
    Attachment.objects.filter(pk=attachment.pk).update(
        status=AttachmentStatus.PROCESSING,
        progress=10,
        attempts=attempts,
        worker=worker,
        heartbeat_at=timezone.now() - silent_for,
    )
    return attachment


def test_stale_readings_are_retried_or_failed_and_live_ones_left() -> None:
    message = _message()
    past_lease = heartbeat.lease() + timedelta(seconds=5)
    first_stop = _processing(message, "a.txt", attempts=1, silent_for=past_lease, worker="elsewhere:7")
    second_stop = _processing(message, "b.txt", attempts=2, silent_for=past_lease, worker="elsewhere:7")
    live = _processing(
        message, "c.txt", attempts=1, silent_for=timedelta(seconds=1), worker=heartbeat.worker_id()
    )
    pending = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="d.txt", data=b"hi"
    )

    found = core_recovery.sweep(timezone.now())

    assert found["attachments"] == 2
    first_stop.refresh_from_db()
    second_stop.refresh_from_db()
    live.refresh_from_db()
    pending.refresh_from_db()
    # Sent again (Celery is eager here) and read this time, by this process.
    assert first_stop.status == AttachmentStatus.DONE, first_stop.reason
    assert first_stop.attempts == 2 and "SO-00000042" in first_stop.details["order_numbers"]
    assert first_stop.worker == heartbeat.worker_id()
    # A file whose reading stopped twice may be what kills the worker: failed, with the reason.
    assert second_stop.status == AttachmentStatus.FAILED
    assert "stopped 2 times" in second_stop.reason and second_stop.processed_at is not None
    assert (live.status, live.attempts) == (AttachmentStatus.PROCESSING, 1)
    assert pending.status == AttachmentStatus.PENDING
    # Idempotent: a second sweep finds nothing more to do.
    assert recovery.recover_stale(timezone.now()) == 0


def test_a_worker_gone_from_this_host_is_recovered_without_waiting_for_the_lease() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # a process that has exited
    child.wait(timeout=30)
    dead = _processing(
        _message(), "a.txt", attempts=1, silent_for=timedelta(0), worker=f"{heartbeat.HOST}:{child.pid}"
    )
    assert recovery.recover_stale(timezone.now()) == 1
    dead.refresh_from_db()
    assert dead.status == AttachmentStatus.DONE and dead.attempts == 2


def test_a_reading_records_its_worker_heartbeat_and_attempt() -> None:
    message = _message()
    attachment = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="a.txt", data=b"hello"
    )
    before = timezone.now()
    assert services.process_attachment(attachment.pk)["status"] == AttachmentStatus.DONE
    attachment.refresh_from_db()
    assert attachment.attempts == 1 and attachment.worker == heartbeat.worker_id()
    assert attachment.heartbeat_at is not None and attachment.heartbeat_at >= before


def test_a_pending_attachment_whose_job_was_lost_is_sent_again_once_per_wait() -> None:
    message = _message()
    wait = recovery.pending_wait()
    lost = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="lost.txt", data=b"Order SO-00000042 lost"
    )  # its job waits for a commit that never comes: as if the enqueue had been lost
    fresh = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="fresh.txt", data=b"just uploaded"
    )
    resent_lately = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="queued.txt", data=b"queued"
    )
    Attachment.objects.filter(pk__in=[lost.pk, resent_lately.pk]).update(
        created_at=timezone.now() - wait - timedelta(minutes=5)
    )
    # Sent again a minute ago by an earlier sweep: its job may still be in the queue.
    Attachment.objects.filter(pk=resent_lately.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    sent: list[int] = []
    original = jobs.process_attachment._sender, jobs.process_attachment._task_path
    jobs.process_attachment.connect(sent.append)  # the queue, recorded: nothing reads here
    try:
        now = timezone.now()
        assert recovery.recover_stale(now) == 1
        assert sent == [lost.pk]
        # Idempotent: a second sweep (or a second sweeper with the same clock) sends nothing.
        assert recovery.recover_stale(now) == 0
        assert recovery.recover_stale(now + wait - timedelta(minutes=2)) == 0
        assert sent == [lost.pk]
        # Still pending a whole wait later (the queue lost it again): sent once more, and by then
        # the other two have waited a whole wait as well.
        assert recovery.recover_stale(now + wait + timedelta(seconds=1)) == 3
        assert sorted(sent) == sorted([lost.pk, lost.pk, resent_lately.pk, fresh.pk])
    finally:
        jobs.process_attachment._sender, jobs.process_attachment._task_path = original
    for attachment in (lost, fresh, resent_lately):
        attachment.refresh_from_db()
        assert attachment.status == AttachmentStatus.PENDING
    # The job really reads it (Celery is eager here), and a duplicate delivery changes nothing.
    assert recovery.recover_stale(timezone.now() + 3 * wait) == 3
    lost.refresh_from_db()
    assert lost.status == AttachmentStatus.DONE and lost.attempts == 1
    assert "SO-00000042" in lost.details["order_numbers"]
    assert services.process_attachment(lost.pk)["skipped"] is True


def test_a_second_delivery_leaves_a_live_reading_alone() -> None:
    live = _processing(_message(), "a.txt", attempts=1, silent_for=timedelta(seconds=1), worker="elsewhere:7")
    assert services.process_attachment(live.pk) == {
        "attachment": live.pk,
        "status": AttachmentStatus.PROCESSING,
        "skipped": True,
    }
    live.refresh_from_db()
    assert (live.status, live.attempts, live.worker) == (AttachmentStatus.PROCESSING, 1, "elsewhere:7")
