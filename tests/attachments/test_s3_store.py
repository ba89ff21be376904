"""Attachments in an S3-compatible bucket: a real S3 protocol server (moto's) on a local port,
spoken to by django-storages and boto3 exactly as a production bucket would be."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from smartcrm.accounts.roles import Role
from smartcrm.attachments import owners, services
from smartcrm.attachments.models import AttachmentStatus
from smartcrm.privacy.services import erase_personal_data, export_personal_data
from tests import factories
from tests.attachments import files
from tests.ports import free_port

pytestmark = pytest.mark.django_db
BUCKET = "shop-attachments"
KEYS = {"access_key": "test-access", "secret_key": "test-secret", "region_name": "us-east-1"}


@pytest.fixture
def s3(settings: Any) -> Iterator[Any]:
    port = free_port(os.environ.get("SMARTCRM_TEST_PORTS", ""))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"], region_name=KEYS["region_name"],
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "default_acl": "private", **KEYS},
        },
    }
    try:
        yield client
    finally:
        server.stop()


def _keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_files_are_stored_read_served_exported_and_erased_in_the_bucket(
    s3: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory())
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.add_attachment(
            actor="test", owner=owners.of_message(message), name="p.jpg", data=files.jpeg_with_gps()
        )
        note = services.add_attachment(
            actor="test", owner=owners.of_message(message), name="n.txt", data=b"Words in the bucket."
        )
    assert _keys(s3) == {photo.file_key, photo.thumbnail_key, note.file_key}
    stored = s3.get_object(Bucket=BUCKET, Key=photo.file_key)["Body"].read()
    assert b"PhoneModel" not in stored and stored[:2] == b"\xff\xd8"
    note.refresh_from_db()
    assert (
        note.status == AttachmentStatus.DONE and note.text == "Words in the bucket."
    )  # read via a local copy
    served = client_for(Role.SUPPORT).get(f"/attachments/ticket_message/{photo.pk}/file/")
    assert b"".join(served.streaming_content) == stored
    archive = zipfile.ZipFile(
        io.BytesIO(export_personal_data(actor="test", customer=message.ticket.customer))
    )
    assert archive.read(f"attachments/{photo.pk}-p.jpg") == stored
    with django_capture_on_commit_callbacks(execute=True):
        erase_personal_data(actor="test", customer=message.ticket.customer)
    assert _keys(s3) == set()
