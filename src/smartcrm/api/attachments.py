"""Files on tickets' messages, reviews, chat conversations and customer notes.

``owner_kind`` is ``ticket_message``, ``review``, ``conversation`` or ``customer_note``; a role
sees (and adds) the files of a record when it may see (and change) the record itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from smartcrm.api.auth import needs_per, require_user
from smartcrm.api.errors import ONE_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, text_for_caller
from smartcrm.attachments import owners, selectors, services
from smartcrm.attachments.models import Attachment, OwnerKind
from smartcrm.attachments.serving import file_response
from smartcrm.core.errors import NotFoundError

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    owner_kind: OwnerKind
    owner_id: int
    customer_id: int | None
    ticket_id: int | None
    name: str
    kind: str = Field(description="image, audio, text or other (sniffed from the bytes)")
    content_type: str
    size: int
    sha256: str
    has_thumbnail: bool
    status: str = Field(description="pending, processing, done, failed or unreadable")
    progress: int
    reason: str = Field(description="Why it failed or could not be read")
    text: str = Field(description="What was read from it, personal data masked")
    language: str
    details: dict[str, Any] = Field(description="duration, size in pixels, order and tracking numbers found…")
    source: str
    created_at: datetime
    processed_at: datetime | None

    @staticmethod
    def resolve_has_thumbnail(obj: Attachment) -> bool:
        return bool(obj.thumbnail_key)

    @staticmethod
    def resolve_text(obj: Attachment, context: dict[str, Any]) -> str:
        return text_for_caller(obj.text, context)

    @staticmethod
    def resolve_name(obj: Attachment, context: dict[str, Any]) -> str:
        return text_for_caller(obj.name, context)


def _one(owner_kind: str, owner_id: int, attachment_id: int) -> Attachment:
    attachment = selectors.get_attachment(attachment_id, owner_kind)
    if attachment.owner_id != owner_id:
        raise NotFoundError(f"attachment {attachment_id}")
    return attachment


@router.post(
    "/{owner_kind}/{owner_id}",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Upload a file onto a record",
)
@needs_per("owner_kind", owners.add_capability)
def upload(request: HttpRequest, owner_kind: OwnerKind, owner_id: Id, file: File[UploadedFile]) -> Status:
    """Multipart ``file``. Its type is judged by its bytes: images (re-encoded without metadata),
    audio, plain text and PDF; SVG, HTML and anything else are refused (400 with the reason).
    Reading it (OCR, speech, text) runs in the background: poll ``status``."""
    user = require_user(request)
    owner = owners.find_owner(owner_kind, owner_id)
    return Status(201, services.upload_to(actor=user, owner=owner, upload=file, source="api"))


@router.get(
    "/{owner_kind}/{owner_id}",
    response={200: list[AttachmentOut], **ONE_ERRORS},
    summary="List a record's files",
)
@needs_per("owner_kind", owners.view_capability)
def list_attachments(request: HttpRequest, owner_kind: OwnerKind, owner_id: Id) -> Any:
    owners.find_owner(owner_kind, owner_id)
    return selectors.of_record(owner_kind, owner_id)


@router.get(
    "/{owner_kind}/{owner_id}/{attachment_id}",
    response={200: AttachmentOut, **ONE_ERRORS},
    summary="Get one file's record: status, text read, details",
)
@needs_per("owner_kind", owners.view_capability)
def get_attachment(request: HttpRequest, owner_kind: OwnerKind, owner_id: Id, attachment_id: Id) -> Any:
    return _one(owner_kind, owner_id, attachment_id)


@router.get(
    "/{owner_kind}/{owner_id}/{attachment_id}/file",
    response={200: None, **ONE_ERRORS},
    summary="Download the file (audited)",
)
@needs_per("owner_kind", owners.view_capability)
def download(request: HttpRequest, owner_kind: OwnerKind, owner_id: Id, attachment_id: Id) -> FileResponse:
    attachment = _one(owner_kind, owner_id, attachment_id)
    services.record_download(actor=require_user(request), attachment=attachment)
    return file_response(attachment, thumbnail=False)


@router.delete(
    "/{owner_kind}/{owner_id}/{attachment_id}", response={204: None, **ONE_ERRORS}, summary="Delete a file"
)
@needs_per("owner_kind", owners.add_capability)
def delete(request: HttpRequest, owner_kind: OwnerKind, owner_id: Id, attachment_id: Id) -> Status:
    services.delete_attachment(
        actor=require_user(request), attachment=_one(owner_kind, owner_id, attachment_id)
    )
    return Status(204, None)
