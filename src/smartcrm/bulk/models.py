"""A bulk action on a selection of customers (explicit ids, everyone a saved customer view
matches, or everyone the customer list's filters match): tag them, give them an owner or a team,
add them to a campaign, or export them to CSV — run in the background in batches, with its
progress on the row for the page and the API to poll."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkAction(models.TextChoices):
    TAG = "tag", _("Add a tag")
    ASSIGN_OWNER = "assign_owner", _("Assign an owner")
    ASSIGN_TEAM = "assign_team", _("Assign a team")
    ADD_TO_CAMPAIGN = "add_to_campaign", _("Add to a campaign")
    EXPORT = "export", _("Export to CSV")


class BulkStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkRun(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=BulkAction.choices)
    # The tag's name, or the owner's, team's or campaign's id.
    value = models.CharField(max_length=100)
    view = models.ForeignKey(
        "collaboration.SavedView", null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_runs"
    )
    customer_ids = models.JSONField(default=list, blank=True)
    # The customer list's filters (readmodels CustomerFilters.as_json): "all matching".
    filters = models.JSONField(default=dict, blank=True)
    # An export's CSV in the default storage, for its actor to download.
    export_file = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=BulkStatus.choices, default=BulkStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.action} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * (self.done + self.failed) / self.total))
