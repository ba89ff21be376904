"""A record of every import run: what came in, what was kept, what was rejected and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PRODUCTS = "products", _("Products")
    ORDERS = "orders", _("Orders")
    TICKETS = "tickets", _("Support tickets")
    REVIEWS = "reviews", _("Product reviews")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    DRAFT = "draft", _("Uploaded, not started")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted (its worker stopped)")


class ImportRun(models.Model):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(
        max_length=1000, blank=True, help_text="Where the file is stored, for a background run"
    )
    system = models.CharField(
        max_length=40, default="import", help_text="The external-id system the file's ids belong to"
    )
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of rows processed")
    message = models.TextField(blank=True, help_text="Why a run failed as a whole (the file, not a row)")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, message}]")
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Header text → column name, as confirmed in the wizard"
    )
    last_row = models.PositiveIntegerField(
        default=0, help_text="File row of the last committed batch: where a resumed run continues"
    )
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process running it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Its worker's last sign of life (core/heartbeat.py)"
    )

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def resumable(self) -> bool:
        return self.status in RESUMABLE


#: A run stopped before its end, whose committed batches are kept: it can go on from there.
RESUMABLE = (ImportStatus.CANCELLED, ImportStatus.FAILED, ImportStatus.INTERRUPTED)


class MappingTemplate(models.Model):
    """A column mapping saved from the wizard, offered again for the next file of the same kind."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    mapping = models.JSONField(default=dict, help_text="Header text → column name")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="unique_mapping_template_name")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
