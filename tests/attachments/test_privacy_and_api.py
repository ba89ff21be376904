"""A customer's files in the data export and gone with the erasure; the API per role."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.attachments import owners, services
from smartcrm.attachments.models import Attachment
from smartcrm.core.models import AuditEvent
from smartcrm.privacy.services import erase_personal_data, export_personal_data
from tests import factories
from tests.attachments import files

pytestmark = pytest.mark.django_db


def _photo_on_a_ticket() -> Any:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory())
    return services.add_attachment(
        actor="test", owner=owners.of_message(message), name="parcel.png", data=files.png()
    )


def test_the_export_holds_the_files_and_the_erasure_deletes_them(
    attachment_folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    attachment = _photo_on_a_ticket()
    customer = attachment.customer
    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(actor="test", customer=customer)))
    stored = (attachment_folder / attachment.file_key).read_bytes()
    assert archive.read(f"attachments/{attachment.pk}-parcel.png") == stored
    assert "attachments.csv" in archive.namelist()
    with django_capture_on_commit_callbacks(execute=True):
        done = erase_personal_data(actor="test", customer=customer)
    assert done["attachments"] == 1
    assert not Attachment.objects.exists()
    assert not (attachment_folder / attachment.file_key).exists()
    assert not (attachment_folder / attachment.thumbnail_key).exists()


def _upload(client: Client, path: str, name: str, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(path, {"file": upload})


def test_the_api_lists_gets_serves_and_deletes_by_the_records_rules(client_for: Any) -> None:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory())
    base = f"/api/v1/attachments/ticket_message/{message.pk}"
    support = client_for(Role.SUPPORT)
    created = _upload(support, base, "parcel.png", files.jpeg_with_gps())
    assert created.status_code == 201, created.content
    one = created.json()
    assert (one["kind"], one["content_type"], one["has_thumbnail"]) == ("image", "image/jpeg", True)
    assert [a["id"] for a in support.get(base).json()] == [one["id"]]
    assert support.get(f"{base}/{one['id']}").json()["sha256"] == one["sha256"]
    served = support.get(f"{base}/{one['id']}/file")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="view_pii", object_id=str(one["id"])).count() == 1
    # Sales may not read the inbox, so neither its files; analysts read but may not add or delete.
    assert client_for(Role.SALES).get(base).status_code == 403
    analyst = client_for(Role.ANALYST)
    assert analyst.get(f"{base}/{one['id']}").status_code == 200
    assert analyst.delete(f"{base}/{one['id']}").status_code == 403
    assert _upload(analyst, base, "x.png", files.png()).status_code == 403
    # Another record's id, an unknown kind, a missing record: 404 / 422, never another's file.
    assert support.get(f"/api/v1/attachments/ticket_message/{message.pk + 1}/{one['id']}").status_code == 404
    assert support.get(f"/api/v1/attachments/review/{message.pk}/{one['id']}").status_code == 404
    assert support.get(f"/api/v1/attachments/invoice/{message.pk}").status_code in {404, 422}
    assert _upload(support, "/api/v1/attachments/ticket_message/987654", "a.txt", b"hi").status_code == 404
    assert support.delete(f"{base}/{one['id']}").status_code == 204
    assert support.get(base).json() == []


def test_the_ticket_page_takes_a_reply_with_a_file_and_shows_it(client_for: Any) -> None:
    ticket = factories.TicketFactory()
    agent = client_for(Role.SUPPORT)
    upload = io.BytesIO(files.png())
    upload.name = "label.png"
    response = agent.post(
        f"/inbox/{ticket.pk}/reply/", {"body": "Here is the label.", "status": "", "file": upload}
    )
    assert response.status_code == 302, response.content
    attachment = Attachment.objects.get()
    assert attachment.owner_kind == "ticket_message" and attachment.ticket_id == ticket.pk
    page = agent.get(f"/inbox/{ticket.pk}/").content.decode()
    assert f"/attachments/ticket_message/{attachment.pk}/thumbnail/" in page
    thumb = agent.get(f"/attachments/ticket_message/{attachment.pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["X-Content-Type-Options"] == "nosniff"
    assert client_for(Role.SALES).get(f"/attachments/ticket_message/{attachment.pk}/file/").status_code == 403
    # A refused file leaves no reply behind.
    bad = io.BytesIO(b"<svg><script>alert(1)</script></svg>")
    bad.name = "x.svg"
    refused = agent.post(f"/inbox/{ticket.pk}/reply/", {"body": "Another.", "status": "", "file": bad})
    assert refused.status_code == 400 and "SVG" in refused.content.decode()
    assert ticket.messages.filter(body="Another.").count() == 0


def test_the_inbox_search_finds_words_inside_attachments(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory(subject="Parcel"))
    with django_capture_on_commit_callbacks(execute=True):
        services.add_attachment(
            actor="test", owner=owners.of_message(message), name="r.txt", data=b"receipt zebracorn"
        )
    found = client_for(Role.SUPPORT).get("/api/v1/tickets?search=zebracorn").json()
    assert [t["id"] for t in found["items"]] == [message.ticket_id]
    assert client_for(Role.SUPPORT).get("/api/v1/tickets?search=unicornzebra").json()["items"] == []
