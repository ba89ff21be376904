"""Files customers send with their feedback: photos, voice messages, text files.

An attachment belongs to one record, named by ``owner_kind`` and ``owner_id`` (like a text
analysis names its source): a ticket message, a review, a chat conversation or a customer
note. ``customer`` and ``ticket`` are kept beside it so that the customer 360, the ticket page,
the data export and the erasure find a customer's files in one query. The file itself lives in
the ``attachments`` storage (the data directory or an S3 bucket, ``STORAGES``), never under a
public URL; ``text`` holds what was read from it with personal data masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.customers.models import Customer
from smartcrm.support.models import Ticket


class OwnerKind(models.TextChoices):
    TICKET_MESSAGE = "ticket_message", _("Ticket message")
    REVIEW = "review", _("Review")
    CONVERSATION = "conversation", _("Chat conversation")
    CUSTOMER_NOTE = "customer_note", _("Customer note")


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    TEXT = "text", _("Text")
    OTHER = "other", _("Other")


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be read")
    PROCESSING = "processing", _("Being read")
    DONE = "done", _("Read")
    FAILED = "failed", _("Reading failed")
    UNREADABLE = "unreadable", _("Unreadable")


FINISHED = frozenset({AttachmentStatus.DONE, AttachmentStatus.FAILED, AttachmentStatus.UNREADABLE})


class Attachment(models.Model):
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices)
    owner_id = models.PositiveBigIntegerField()
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=200, help_text="The file name as sent (shown, never used as a path)")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=60, help_text="Sniffed from the bytes")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file_key = models.CharField(max_length=200)
    thumbnail_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=AttachmentStatus.choices, default=AttachmentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent read")
    reason = models.CharField(max_length=300, blank=True, help_text="Why it failed or could not be read")
    text = models.TextField(blank=True, help_text="What was read from it, personal data masked")
    language = models.CharField(max_length=10, blank=True)
    details = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=20, default="upload", help_text="upload, api, email, chat")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The reading job's signs of life (core/heartbeat.py): a worker killed mid-reading leaves the
    # row "processing"; the stale-run sweeper (attachments/recovery.py) reads it again or fails it.
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Readings started")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["owner_kind", "owner_id"], name="attachment_owner_idx"),
            models.Index(fields=["customer", "-created_at"], name="attachment_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
