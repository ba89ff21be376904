"""Adding, reading and deleting attachments end to end, with the real text reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from smartcrm.attachments import owners, readers, services
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from tests import factories
from tests.attachments import files

pytestmark = pytest.mark.django_db


Add = Callable[..., Attachment]


def _message(**ticket: Any) -> Any:
    customer = factories.CustomerFactory()
    t = factories.TicketFactory(customer=customer, **ticket)
    return factories.TicketMessageFactory(ticket=t, body="See the attached file.")


def test_a_text_file_is_read_masked_and_links_the_ticket_to_the_order_it_names(
    add: Add, analyzer: Any
) -> None:
    message = _message()
    order = factories.OrderFactory(customer=message.ticket.customer, number="SO-00004242")
    body = b"Order SO-4242 arrived broken and I am very angry.\nCall me on +44 20 7946 0958, jo@example.com\n"
    attachment = add(actor="test", owner=owners.of_message(message), name="../../etc/note.txt", data=body)
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.DONE, attachment.reason
    assert attachment.kind == "text" and attachment.name == "note.txt"
    assert "jo@example.com" not in attachment.text and "[EMAIL]" in attachment.text
    assert "7946" not in attachment.text and "[PHONE]" in attachment.text
    assert "SO-00004242" in attachment.details["order_numbers"]
    assert attachment.details["linked_order"] == "SO-00004242"
    message.ticket.refresh_from_db()
    assert message.ticket.order_id == order.pk
    # The text read joins the message's analysis (masked), and the ticket's.
    analysis = TextAnalysis.objects.get(source_kind=SourceKind.TICKET_MESSAGE, source_id=message.pk)
    assert "very angry" in analysis.redacted and "jo@example.com" not in analysis.redacted
    assert TextAnalysis.objects.filter(source_kind=SourceKind.TICKET, source_id=message.ticket_id).exists()


def test_an_order_of_another_customer_is_never_linked(add: Add) -> None:
    message = _message()
    factories.OrderFactory(number="SO-00000077")  # somebody else's
    add(actor="test", owner=owners.of_message(message), name="a.txt", data=b"SO-00000077")
    message.ticket.refresh_from_db()
    assert message.ticket.order_id is None


def test_processing_is_idempotent_and_audited(add: Add) -> None:
    message = _message()
    attachment = add(actor="test", owner=owners.of_message(message), name="a.txt", data=b"hello")
    again = services.process_attachment(attachment.pk)
    assert again["skipped"] is True
    assert services.process_attachment(987654)["status"] == "gone"
    assert AuditEvent.objects.filter(action="upload", object_id=str(attachment.pk)).count() == 1


def test_a_reader_that_raises_leaves_a_failed_status_not_a_crash(
    add: Add, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> readers.ReadResult:
        raise MemoryError("boom")

    monkeypatch.setitem(readers.READERS, "text", broken)
    message = _message()
    attachment = add(actor="test", owner=owners.of_message(message), name="a.txt", data=b"x y")
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.FAILED
    assert "MemoryError" in attachment.reason


def test_a_reader_that_finds_nothing_marks_the_file_unreadable(
    add: Add, monkeypatch: pytest.MonkeyPatch
) -> None:
    def empty(path: Path) -> readers.ReadResult:
        raise readers.Unreadable("No text found in the image.")

    monkeypatch.setitem(readers.READERS, "image", empty)
    message = _message()
    attachment = add(actor="test", owner=owners.of_message(message), name="p.png", data=files.png())
    attachment.refresh_from_db()
    assert (attachment.status, attachment.reason) == (
        AttachmentStatus.UNREADABLE,
        "No text found in the image.",
    )


def test_a_kind_without_reader_is_kept_and_shown(add: Add, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(readers.READERS, "audio")
    message = _message()
    attachment = add(actor="test", owner=owners.of_message(message), name="v.wav", data=files.wav(1.0))
    attachment.refresh_from_db()
    assert attachment.kind == "audio" and attachment.status == AttachmentStatus.DONE
    assert attachment.details["duration_seconds"] == 1.0
    assert "no reader" in attachment.reason


def test_a_photo_loses_its_gps_location_and_gets_a_bounded_thumbnail(
    add: Add, attachment_folder: Path
) -> None:
    message = _message()
    original = files.jpeg_with_gps(1200, 900)
    assert b"PhoneModel" in original
    attachment = add(actor="test", owner=owners.of_message(message), name="p.jpg", data=original)
    stored = (attachment_folder / attachment.file_key).read_bytes()
    assert b"PhoneModel" not in stored and b"Exif" not in stored
    with Image.open(attachment_folder / attachment.file_key) as image:
        assert image.size == (1200, 900) and not image.getexif()
    with Image.open(attachment_folder / attachment.thumbnail_key) as thumb:
        assert max(thumb.size) <= 320


def test_deleting_removes_the_row_and_the_files(
    add: Add, attachment_folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    message = _message()
    attachment = add(actor="test", owner=owners.of_message(message), name="p.png", data=files.png())
    paths = [attachment_folder / attachment.file_key, attachment_folder / attachment.thumbnail_key]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(actor="test", attachment=attachment)
    assert not Attachment.objects.exists()
    assert not any(p.exists() for p in paths)


def test_a_record_holds_at_most_twenty_files(add: Add) -> None:
    message = _message()
    owner = owners.of_message(message)
    for i in range(services.MAX_PER_RECORD):
        add(actor="test", owner=owner, name=f"{i}.txt", data=b"note %d" % i)
    with pytest.raises(ServiceValidationError, match="At most 20"):
        add(actor="test", owner=owner, name="x.txt", data=b"one more")
