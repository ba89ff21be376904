"""Serving a stored file to a browser or an API client safely (after the caller's role was checked).

Images and audio are shown inline (the images are our own re-encodings; audio plays in an
``<audio>`` element); text and PDF are always downloaded. Every answer says ``nosniff`` and
carries a sandboxing CSP, so a file can never run as a page of the shop's origin.
"""

from __future__ import annotations

from django.http import FileResponse

from smartcrm.attachments import storage
from smartcrm.attachments.models import Attachment, AttachmentKind

INLINE = frozenset({AttachmentKind.IMAGE, AttachmentKind.AUDIO})


def file_response(attachment: Attachment, *, thumbnail: bool) -> FileResponse:
    key = attachment.thumbnail_key if thumbnail else attachment.file_key
    content_type = attachment.content_type
    if thumbnail:
        content_type = "image/jpeg" if key.endswith(".jpg") else "image/png"
    response = FileResponse(
        storage.attachment_storage().open(key, "rb"),
        content_type=content_type,
        as_attachment=thumbnail is False and attachment.kind not in INLINE,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    if "Content-Disposition" not in response:
        response["Content-Disposition"] = "inline"
    return response
