"""Hostile and broken files through the API: each a clear 400 with the reason, or a stored file
whose reading ends in a status — never a 500, never a crashed worker, never a stored script."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.attachments import owners, services
from smartcrm.attachments.models import Attachment, AttachmentStatus
from tests import factories
from tests.attachments import files

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
)
REFUSED: list[tuple[str, bytes, str]] = [
    ("empty.png", b"", "empty"),
    ("bomb.png", files.png_header(30_000, 30_000), "too large"),
    ("wide.png", files.png_header(100_000, 1_000), "too large"),
    ("truncated.jpg", files.jpeg_with_gps(400, 300)[:400], "damaged"),
    ("header-only.png", b"\x89PNG\r\n\x1a\n", "cannot be read"),
    ("script.svg", SVG, "SVG"),
    ("image.png", b"\xef\xbb\xbf  <svg><script>x</script></svg>", "SVG"),
    ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
    ("page.txt", b"<html><body onload=alert(1)>hi</body></html>", "HTML"),
    (
        "data.xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "XML",
    ),
    ("photo.png", files.zip_bytes(), "application/zip"),
    ("voice.mp3", b"MZ\x90\x00" + b"\x00" * 200, "not accepted"),
    ("silence.wav", files.wav(0.0), "0 seconds"),
    ("long.flac", files.flac_claiming(3 * 3600), "too long"),
    ("broken.wav", files.wav(1.0)[:30], "damaged"),
    ("huge.txt", b"a" * (3 * 1024 * 1024), "at most"),
    ("binary.txt", b"hello\x00\x01\x02world", "not accepted"),
    ("latin1.txt", "café crème".encode("latin-1"), "not accepted"),
    ("blank.txt", b"   \n\t  ", "empty"),
    ("video.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 100, "not accepted"),
]


def _upload(client: Client, message_id: int, name: str, data: bytes) -> Any:
    """Multipart, with the type the test client guesses from the name (``photo.png``: image/png)."""
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(f"/api/v1/attachments/ticket_message/{message_id}", {"file": upload})


@pytest.fixture
def message(db: Any) -> Any:
    return factories.TicketMessageFactory(ticket=factories.TicketFactory())


@pytest.fixture
def api(client_for: Any) -> Client:
    return client_for(Role.SUPPORT)


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_hostile_file_is_refused_with_its_reason(
    api: Client, message: Any, name: str, data: bytes, reason: str
) -> None:
    response = _upload(api, message.pk, name, data)
    assert response.status_code == 422, response.content
    assert reason.lower() in response.content.decode().lower()
    assert not Attachment.objects.exists()


def test_a_png_with_a_zip_behind_it_is_kept_without_the_zip(
    api: Client, message: Any, attachment_folder: Path
) -> None:
    polyglot = files.png() + files.zip_bytes()
    response = _upload(api, message.pk, "polyglot.png", polyglot)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    stored = (attachment_folder / attachment.file_key).read_bytes()
    assert b"PK\x03\x04" not in stored and b"evil.sh" not in stored
    assert attachment.size == len(stored) < len(polyglot)


def test_the_declared_type_and_name_are_ignored(api: Client, message: Any) -> None:
    """A text sent as ``photo.png`` with an image type is stored and served as text, downloaded."""
    response = _upload(api, message.pk, "photo.png", b"Just words, not a picture.")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["content_type"], body["status"]) == ("text", "text/plain", "pending")
    served = api.get(f"/api/v1/attachments/ticket_message/{message.pk}/{body['id']}/file")
    assert served["Content-Type"] == "text/plain"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")


def test_a_long_recording_over_the_shop_limit_is_refused(api: Client, message: Any, settings: Any) -> None:
    settings.SMARTCRM_ATTACHMENT_MAX_AUDIO_MINUTES = 0.05  # 3 s
    response = _upload(api, message.pk, "call.ogg", files.encoded("ogg", "libopus", 4.0, 48000))
    assert response.status_code == 422 and "too long" in response.content.decode()
    ok = _upload(api, message.pk, "short.mp3", files.encoded("mp3", "libmp3lame", 1.5))
    assert ok.status_code == 201 and ok.json()["details"]["duration_seconds"] == pytest.approx(1.5, abs=0.1)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    api: Client, message: Any, settings: Any
) -> None:
    settings.SMARTCRM_ATTACHMENT_MAX_MB = 1
    response = _upload(api, message.pk, "big.png", files.png() + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 422 and "larger than 1 MB" in response.content.decode()


def test_a_worker_survives_a_file_removed_before_its_reading(
    api: Client, message: Any, attachment_folder: Path
) -> None:
    attachment = services.add_attachment(
        actor="test", owner=owners.of_message(message), name="a.txt", data=b"words"
    )
    (attachment_folder / attachment.file_key).unlink()
    assert services.process_attachment(attachment.pk)["status"] == AttachmentStatus.FAILED
    attachment.refresh_from_db()
    assert "FileNotFoundError" in attachment.reason
