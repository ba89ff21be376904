"""Duplicate candidates, merges and their undo snapshots, and de-duplication runs.

Pairs and merges name customers by id, not by foreign key: a merge deletes the merged
customer, and its pair and merge records must outlive it (the undo recreates it under the same
id). The undo snapshot holds contact details, so it is stored encrypted like the customer's own
PII columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.core.fields import EncryptedTextField


class PairState(models.TextChoices):
    PENDING = "pending", _("Pending review")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Not a duplicate")
    OBSOLETE = "obsolete", _("Obsolete (a customer was merged away)")


class DuplicatePair(models.Model):
    """Two customers that may be one person: the match probability and the evidence for it."""

    left_id = models.BigIntegerField(help_text="The smaller customer id")
    right_id = models.BigIntegerField(help_text="The larger customer id")
    probability = models.FloatField()
    evidence = models.JSONField(default=dict, help_text="Per field: the comparison level and its weight")
    state = models.CharField(max_length=10, choices=PairState.choices, default=PairState.PENDING)
    found_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    obsoleted_by = models.ForeignKey(
        "dedup.Merge", null=True, blank=True, on_delete=models.SET_NULL, related_name="obsoleted_pairs"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left_id", "right_id"], name="one_pair_per_customers"),
            models.CheckConstraint(condition=models.Q(left_id__lt=models.F("right_id")), name="pair_ordered"),
        ]
        indexes = [
            models.Index(fields=["state", "-probability"], name="pair_queue_idx"),
            models.Index(fields=["right_id"], name="pair_right_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} ({self.probability:.2f}, {self.state})"


class MergeState(models.TextChoices):
    DONE = "done", _("Merged")
    UNDONE = "undone", _("Undone")


class Merge(models.Model):
    """One customer merged into another: what was kept, what moved, and how to take it back."""

    survivor_id = models.BigIntegerField(db_index=True)
    merged_id = models.BigIntegerField(
        db_index=True, help_text="The id the merged customer had (and gets back on undo)"
    )
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    choices = models.JSONField(default=dict, help_text="Per field: whose value was kept, and by which rule")
    moved = models.JSONField(default=dict, help_text="Per related table: the ids of the rows moved")
    snapshot = EncryptedTextField(help_text="JSON: the merged customer and the survivor's replaced values")
    automatic = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=MergeState.choices, default=MergeState.DONE)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="merge_recent_idx")]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id} ({self.state})"


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted (its worker stopped)")


class DedupRun(models.Model):
    """One bulk search for duplicates: its progress and what it found."""

    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.RUNNING)
    stage = models.CharField(max_length=20, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    auto_merge = models.BooleanField(default=False)
    customers = models.PositiveIntegerField(default=0)
    candidates = models.PositiveBigIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process running it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Its worker's last sign of life (core/heartbeat.py)"
    )

    def __str__(self) -> str:
        return f"run {self.pk} ({self.state})"
