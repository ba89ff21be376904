"""Files arriving through channels: an inbound mail's attachments land on the customer's message."""

from __future__ import annotations

import io
from email.message import EmailMessage
from typing import Any

import pytest

from smartcrm.assistant.channels.mail_in import receive_mail
from smartcrm.attachments.models import Attachment
from tests.attachments import files

pytestmark = pytest.mark.django_db

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


def test_a_mails_photo_and_text_file_are_attached_and_its_svg_is_refused() -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "ann@example.com", "support@localhost", "Broken mug"
    mail.set_content("The mug arrived broken, photo attached.")
    mail.add_attachment(files.jpeg_with_gps(), maintype="image", subtype="jpeg", filename="mug.jpg")
    mail.add_attachment(b"Order SO-00000001, see above.", maintype="text", subtype="plain", filename="n.txt")
    mail.add_attachment(SVG, maintype="image", subtype="svg+xml", filename="logo.svg")
    ticket = receive_mail(mail.as_bytes()).ticket
    message = ticket.messages.get()
    attached = Attachment.objects.filter(owner_kind="ticket_message", owner_id=message.pk).order_by("pk")
    assert [(a.name, a.kind, a.source) for a in attached] == [
        ("mug.jpg", "image", "email"),
        ("n.txt", "text", "email"),
    ]
    assert ticket.messages.get().body == "The mug arrived broken, photo attached."
    # A reply on the same thread adds its file to the new message.
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = (
        "ann@example.com",
        "support@localhost",
        f"Re: [#{ticket.pk}]",
    )
    reply.set_content("Another photo.")
    reply.add_attachment(files.png(), maintype="image", subtype="png", filename="second.png")
    receive_mail(reply.as_bytes())
    second = ticket.messages.order_by("-pk").first()
    assert second is not None and Attachment.objects.filter(owner_id=second.pk, name="second.png").exists()


def test_a_chat_visitor_sends_a_photo_with_the_conversation_token(client: Any) -> None:
    started = client.post("/api/v1/chat/conversations", {"language": "en"}, content_type="application/json")
    token = started.json()["token"]
    upload = io.BytesIO(files.jpeg_with_gps())
    upload.name = "damage.jpg"
    sent = client.post("/api/v1/chat/conversation/files", {"file": upload}, headers={"X-Chat-Token": token})
    assert sent.status_code == 201, sent.content
    assert sent.json()["kind"] == "image"
    attachment = Attachment.objects.get()
    assert (attachment.owner_kind, attachment.source) == ("conversation", "chat")
    svg = io.BytesIO(SVG)
    svg.name = "x.svg"
    refused = client.post("/api/v1/chat/conversation/files", {"file": svg}, headers={"X-Chat-Token": token})
    assert refused.status_code == 422 and "SVG" in refused.content.decode()
    wrong = io.BytesIO(files.png())
    wrong.name = "p.png"
    assert (
        client.post(
            "/api/v1/chat/conversation/files", {"file": wrong}, headers={"X-Chat-Token": "nope"}
        ).status_code
        == 404
    )


def test_a_reopened_chat_lists_the_files_its_visitor_sent_and_no_one_elses(client: Any) -> None:
    def start() -> str:
        started = client.post(
            "/api/v1/chat/conversations", {"language": "en"}, content_type="application/json"
        )
        assert started.json()["files"] == []
        return str(started.json()["token"])

    def send(token: str, name: str, data: bytes) -> dict[str, Any]:
        upload = io.BytesIO(data)
        upload.name = name
        sent = client.post(
            "/api/v1/chat/conversation/files", {"file": upload}, headers={"X-Chat-Token": token}
        )
        assert sent.status_code == 201, sent.content
        return dict(sent.json())

    mine, theirs = start(), start()
    photo = send(mine, "damage.jpg", files.jpeg_with_gps())
    note = send(mine, "note.txt", b"The mug arrived broken.")
    other = send(theirs, "their-receipt.png", files.png())

    reopened = client.get("/api/v1/chat/conversation", headers={"X-Chat-Token": mine}).json()
    assert [(f["id"], f["name"], f["kind"]) for f in reopened["files"]] == [
        (photo["id"], "damage.jpg", "image"),
        (note["id"], "note.txt", "text"),
    ]
    assert set(reopened["files"][0]) == {"id", "name", "kind", "status", "created_at"}  # no text, no link
    theirs_reopened = client.get("/api/v1/chat/conversation", headers={"X-Chat-Token": theirs}).json()
    assert [f["id"] for f in theirs_reopened["files"]] == [other["id"]]
    # An unknown token reads nothing.
    assert client.get("/api/v1/chat/conversation", headers={"X-Chat-Token": "nope"}).status_code == 404
