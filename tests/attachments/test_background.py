"""Reading runs off the request: on the embedded runner's thread without Redis, on Celery's bulk queue."""

from __future__ import annotations

import io
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core.queues import BULK, queue_of
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_job_goes_to_the_bulk_queue() -> None:
    assert queue_of("smartcrm.attachments.process") == BULK


def test_an_upload_answers_pending_and_the_embedded_runner_reads_it(
    client_for: Any, background_runner: Any
) -> None:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory())
    upload = io.BytesIO(b"The parcel SO-00000001 came open.")
    upload.name = "note.txt"
    response = client_for(Role.SUPPORT).post(
        f"/api/v1/attachments/ticket_message/{message.pk}", {"file": upload}
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    background_runner.drain(timeout=30)
    attachment = Attachment.objects.get()
    assert attachment.status == AttachmentStatus.DONE
    assert attachment.text == "The parcel SO-00000001 came open."
