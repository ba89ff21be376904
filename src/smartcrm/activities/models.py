"""The customer timeline (activities) and staff tasks.

The foreign keys name their models as strings ("customers.Customer", "pipeline.Deal"), with no
Python import: activities sit below customers in the layers (pyproject.toml), so customers,
orders, support and pipeline can all log to the timeline without an import cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    ORDER_PLACED = "order_placed", _("Order placed")
    REFUND = "refund", _("Refund or return")
    TICKET_OPENED = "ticket_opened", _("Ticket opened")
    TICKET_REPLY = "ticket_reply", _("Ticket reply")
    REVIEW = "review", _("Review")
    SURVEY = "survey", _("Survey answer")
    NOTE = "note", _("Note")
    EMAIL = "email", _("Email")
    CALL = "call", _("Call")
    DEAL = "deal", _("Deal")
    PROFILE = "profile", _("Profile change")


class Activity(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    summary = models.CharField(max_length=300)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="activity_timeline_idx")]

    def __str__(self) -> str:
        return self.summary


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Task(models.Model):
    title = models.CharField(max_length=200)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    deal = models.ForeignKey(
        "pipeline.Deal", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["assignee", "status", "due_at"], name="task_assignee_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at is not None and self.due_at < timezone.now()
