"""Reads of attachments: a record's files, a customer's, a ticket's, and their texts for analysis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.core.errors import NotFoundError

_LIST_FIELDS = (
    "id", "owner_kind", "owner_id", "customer_id", "ticket_id", "name", "kind", "content_type", "size",
    "sha256", "thumbnail_key", "status", "progress", "reason", "text", "language", "details", "source",
    "created_at", "processed_at",
)  # fmt: skip


def of_record(owner_kind: str, owner_id: int, limit: int | None = None) -> list[Attachment]:
    """A record's files, oldest first (the latest ``limit`` when given)."""
    queryset = Attachment.objects.filter(owner_kind=owner_kind, owner_id=owner_id).only(*_LIST_FIELDS)
    if limit is None:
        return list(queryset)
    return list(queryset.order_by("-created_at", "-id")[:limit])[::-1]


def of_ticket(ticket_id: int) -> dict[int, list[Attachment]]:
    """A ticket's files by message id (one query), for the thread."""
    by_message: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(ticket_id=ticket_id, owner_kind="ticket_message").only(
        *_LIST_FIELDS
    ):
        by_message[attachment.owner_id].append(attachment)
    return dict(by_message)


def of_customer(customer_id: int, limit: int = 24) -> list[Attachment]:
    """The customer's latest files from every record (customer 360, feedback)."""
    queryset = Attachment.objects.filter(customer_id=customer_id).only(*_LIST_FIELDS)
    return list(queryset.order_by("-created_at", "-id")[:limit])


def latest(owner_kinds: Iterable[str], limit: int = 12) -> list[Attachment]:
    """The latest files on these kinds of record (the feedback page)."""
    queryset = Attachment.objects.filter(owner_kind__in=list(owner_kinds)).only(*_LIST_FIELDS)
    return list(queryset.order_by("-created_at", "-id")[:limit])


def get_attachment(attachment_id: int, owner_kind: str | None = None) -> Attachment:
    queryset: QuerySet[Attachment] = Attachment.objects.all()
    if owner_kind is not None:
        queryset = queryset.filter(owner_kind=owner_kind)
    attachment = queryset.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError(f"attachment {attachment_id}")
    return attachment


def texts_of(owner_kind: str, owner_ids: Iterable[int]) -> dict[int, list[str]]:
    """What was read from the finished files of these records (masked), by record id."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        Attachment.objects.filter(
            owner_kind=owner_kind, owner_id__in=list(owner_ids), status=AttachmentStatus.DONE
        )
        .exclude(text="")
        .order_by("created_at", "id")
        .values_list("owner_id", "text")
    )
    for owner_id, text in rows:
        texts[owner_id].append(text)
    return dict(texts)
