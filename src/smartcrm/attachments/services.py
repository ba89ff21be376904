"""Writes for attachments: add (checked by content), delete, read in the background.

``add_attachment`` checks the bytes (``content.check``: sniffed type, size, pixel and duration
limits, images re-encoded without metadata), stores the file and its thumbnail, records the row
and starts the reading job after the commit. ``process_attachment`` is that job: idempotent (a
finished attachment is left as it is), and whatever a reader does — refuse the file, raise, hit
a bug — the attachment ends ``done``, ``unreadable`` or ``failed`` with a reason, never a crashed
worker (a worker killed mid-reading is found by its silent heartbeat: ``recovery.py``). What
was read is stored with personal data masked (``engine.nlp.pii``); order and tracking numbers
found in it are kept in ``details`` and link the ticket to the customer's order.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.attachments import content, jobs, readers, storage
from smartcrm.attachments.models import FINISHED, Attachment, AttachmentKind, AttachmentStatus, OwnerKind
from smartcrm.attachments.owners import Owner
from smartcrm.core import audit, heartbeat
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.engine.nlp.pii import find_entities, redact
from smartcrm.engine.speech.order_numbers import closest_order_number, find_spoken_order_numbers
from smartcrm.orders.models import Order
from smartcrm.support.models import Ticket
from smartcrm.support.services import link_order
from smartcrm.textanalysis import jobs as analysis_jobs
from smartcrm.textanalysis.models import SourceKind

logger = logging.getLogger(__name__)
MAX_PER_RECORD = 20
# A voice message's number is compared with the customer's latest orders, at most this many.
MAX_OWN_ORDERS = 500
ACTOR = "attachments"
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def limits() -> content.Limits:
    return content.Limits(
        max_bytes=settings.SMARTCRM_ATTACHMENT_MAX_MB * 1024 * 1024,
        max_text_bytes=settings.SMARTCRM_ATTACHMENT_MAX_TEXT_KB * 1024,
        max_pixels=settings.SMARTCRM_ATTACHMENT_MAX_PIXELS,
        max_audio_seconds=settings.SMARTCRM_ATTACHMENT_MAX_AUDIO_MINUTES * 60,
    )


def clean_name(name: str, extension: str) -> str:
    """The name to show: no path, no control characters, at most 200 characters."""
    name = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" ._")
    return (name or f"attachment.{extension}")[:200]


@transaction.atomic
def add_attachment(
    *, actor: Actor, owner: Owner, name: str, data: bytes, source: str = "upload"
) -> Attachment:
    """Check, store and record one file on ``owner``; its reading starts after the commit."""
    if Attachment.objects.filter(owner_kind=owner.kind, owner_id=owner.id).count() >= MAX_PER_RECORD:
        raise ServiceValidationError({"file": _("At most %(n)d files per record.") % {"n": MAX_PER_RECORD}})
    try:
        checked = content.check(data, limits())
    except content.Refused as exc:
        raise ServiceValidationError({"file": str(exc)}) from exc
    file_key = storage.save(storage.new_key(owner.kind, checked.extension), checked.data)
    thumbnail_key = (
        storage.save(storage.new_key("thumbnails", checked.thumbnail_extension), checked.thumbnail)
        if checked.thumbnail
        else ""
    )
    attachment = Attachment.objects.create(
        owner_kind=owner.kind,
        owner_id=owner.id,
        customer_id=owner.customer_id,
        ticket_id=owner.ticket_id,
        name=clean_name(name, checked.extension),
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        file_key=file_key,
        thumbnail_key=thumbnail_key,
        details=checked.details,
        uploaded_by=audit.user_of(actor),
        source=source,
    )
    audit.record(
        actor,
        AuditAction.UPLOAD,
        attachment,
        changes={"owner": f"{owner.kind}:{owner.id}", "kind": checked.kind, "size": attachment.size},
    )
    jobs.process_attachment.on_commit(attachment.pk)
    return attachment


def add_attachments(
    *, actor: Actor, owner: Owner, files: Iterable[tuple[str, bytes]], source: str
) -> list[Attachment]:
    """Several files from one channel message; a refused one is skipped (and logged), not fatal."""
    added = []
    for name, data in files:
        try:
            with transaction.atomic():
                added.append(add_attachment(actor=actor, owner=owner, name=name, data=data, source=source))
        except ServiceValidationError as exc:
            logger.info("attachment from %s refused: %s", source, "; ".join(exc.errors.values()))
    return added


@transaction.atomic
def delete_attachment(*, actor: Actor, attachment: Attachment) -> None:
    keys = (attachment.file_key, attachment.thumbnail_key)
    audit.record(
        actor,
        AuditAction.DELETE,
        attachment,
        changes={"owner": f"{attachment.owner_kind}:{attachment.owner_id}"},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(*keys))


def record_download(*, actor: Actor, attachment: Attachment) -> None:
    """The original file leaves the shop unmasked (a photo, a voice): audited, like unmasked PII."""
    audit.record(actor, AuditAction.VIEW_PII, attachment, changes={"file": attachment.kind})


def delete_files_of(attachments: Iterable[Attachment]) -> int:
    """Delete these rows and, after the commit, their files (erasure, retention); returns how many."""
    rows = list(attachments)
    keys = [key for a in rows for key in (a.file_key, a.thumbnail_key) if key]
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    transaction.on_commit(lambda: storage.delete(*keys))
    return len(rows)


def process_attachment(attachment_id: int) -> dict[str, Any]:
    """Read one attachment (the job). Idempotent; records progress and the outcome on the row."""
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
        if attachment is None:
            return {"attachment": attachment_id, "status": "gone"}
        if attachment.status in FINISHED:
            return {"attachment": attachment_id, "status": attachment.status, "skipped": True}
        if attachment.status == AttachmentStatus.PROCESSING and not heartbeat.is_stale(
            attachment.heartbeat_at, attachment.worker
        ):  # a second delivery of the job (the pending sweep sent it again): another worker reads it
            return {"attachment": attachment_id, "status": attachment.status, "skipped": True}
        attachment.status, attachment.progress = AttachmentStatus.PROCESSING, 10
        attachment.attempts += 1
        attachment.worker, attachment.heartbeat_at = heartbeat.worker_id(), timezone.now()
        attachment.save(update_fields=["status", "progress", "attempts", "worker", "heartbeat_at"])
    reader = readers.reader_for(attachment.kind)
    if reader is None:
        return _finish(
            attachment,
            AttachmentStatus.DONE,
            _("Kept and shown; no reader for this kind of file is installed."),
        )
    try:
        with (
            heartbeat.beating(Attachment, attachment.pk),
            storage.local_copy(attachment.file_key, f".{attachment.file_key.rsplit('.', 1)[-1]}") as path,
        ):
            result = reader(path)
    except readers.Unreadable as exc:
        return _finish(attachment, AttachmentStatus.UNREADABLE, str(exc))
    except Exception as exc:  # any reader failure is the file's status, not the worker's
        logger.warning("attachment %s: reading failed with %s", attachment_id, type(exc).__name__)
        return _finish(
            attachment,
            AttachmentStatus.FAILED,
            _("Reading failed (%(error)s).") % {"error": type(exc).__name__},
        )
    try:
        return _store_reading(attachment, result)
    except Exception as exc:  # masking, linking or saving what was read: the file's status too
        logger.warning("attachment %s: storing the reading failed with %s", attachment_id, type(exc).__name__)
        return _finish(
            attachment,
            AttachmentStatus.FAILED,
            _("Reading failed (%(error)s).") % {"error": type(exc).__name__},
        )


def _finish(attachment: Attachment, status: str, reason: str) -> dict[str, Any]:
    attachment.status, attachment.reason, attachment.progress = status, reason[:300], 100
    attachment.processed_at = timezone.now()
    attachment.save(update_fields=["status", "reason", "progress", "processed_at"])
    return {"attachment": attachment.pk, "status": status}


@transaction.atomic
def _store_reading(attachment: Attachment, result: readers.ReadResult) -> dict[str, Any]:
    text = result.text[: readers.MAX_TEXT]
    orders, tracking = readers.numbers_in(text)
    entities = find_entities(text)
    masked = sorted({e.kind for e in entities if e.kind != "ORDER"})
    attachment.text = redact(text, entities=entities)
    attachment.language = result.language[:10]
    attachment.details = {
        **attachment.details,
        **result.details,
        "order_numbers": orders[:20],
        "tracking_numbers": tracking[:20],
        "masked": masked,
    }
    spoken = find_spoken_order_numbers(text) if attachment.kind == AttachmentKind.AUDIO else []
    linked = _link_order(attachment, orders, spoken)
    if linked is not None:
        attachment.details["linked_order"] = linked
    attachment.status, attachment.progress, attachment.reason = AttachmentStatus.DONE, 100, ""
    attachment.processed_at = timezone.now()
    attachment.save(
        update_fields=["text", "language", "details", "status", "progress", "reason", "processed_at"]
    )
    _analyse_owner(attachment)
    return {"attachment": attachment.pk, "status": attachment.status, "linked_order": linked}


def _link_order(attachment: Attachment, numbers: list[str], spoken: list[str]) -> str | None:
    """The customer's order named in a ticket's attachment becomes the ticket's order (if it has none).

    A number read out in a voice message (``spoken``, its digits) that names none of the
    customer's orders exactly names the one order of theirs it is a single digit away from (the
    recogniser dropped, added or misheard one), never one of two that close; the match is noted
    in ``details["linked_order_match"]``. Only the customer's own orders are compared."""
    if not numbers or attachment.ticket_id is None or attachment.customer_id is None:
        return None
    ticket = Ticket.objects.filter(pk=attachment.ticket_id, order__isnull=True).first()
    if ticket is None:
        return None
    order = Order.objects.filter(customer_id=attachment.customer_id, number__in=numbers).first()
    if order is None and spoken:
        own = dict(
            Order.objects.filter(customer_id=attachment.customer_id)
            .order_by("-pk")
            .values_list("number", "pk")[:MAX_OWN_ORDERS]
        )
        close = closest_order_number(spoken, own)
        order = Order.objects.filter(pk=own[close]).first() if close else None
        if order is not None:
            attachment.details["linked_order_match"] = "one digit off"
    if order is None:
        return None
    return order.number if link_order(actor=ACTOR, ticket=ticket, order=order) else None


def _analyse_owner(attachment: Attachment) -> None:
    """The text read joins its record's analysis: the message and its ticket, or the review."""
    if attachment.owner_kind == OwnerKind.TICKET_MESSAGE and attachment.ticket_id is not None:
        batches = [
            (SourceKind.TICKET_MESSAGE, [attachment.owner_id]),
            (SourceKind.TICKET, [attachment.ticket_id]),
        ]
    elif attachment.owner_kind == OwnerKind.REVIEW:
        batches = [(SourceKind.REVIEW, [attachment.owner_id])]
    else:
        return
    for kind, ids in batches:
        analysis_jobs.analyse_texts.on_commit(kind, ids)


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file (Django's ``UploadedFile``), refused unread when too large."""
    most = limits().max_bytes
    if upload is None:
        raise ServiceValidationError({"file": _("Choose a file.")})
    if upload.size is not None and upload.size > most:
        raise ServiceValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": most // (1024 * 1024)}}
        )
    data: bytes = upload.read(most + 1)
    if len(data) > most:
        raise ServiceValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": most // (1024 * 1024)}}
        )
    return data


def upload_to(*, actor: Actor, owner: Owner, upload: Any, source: str = "upload") -> Attachment:
    """A staff upload (page or API) onto ``owner``."""
    return add_attachment(
        actor=actor, owner=owner, name=upload.name or "", data=read_upload(upload), source=source
    )
