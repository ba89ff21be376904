"""Duplicate candidates, merges and their undo snapshots, de-duplication runs, and the working
set of a fan-out de-duplication run (dedup/fanout.py).

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


class RunRow(models.Model):
    """A row of a fan-out de-duplication run's working set: it goes with the run."""

    run = models.ForeignKey(
        "intelligence.RefreshRun", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        abstract = True


class DedupKey(RunRow):
    """A customer's blocking key in one rule of a fan-out de-duplication run (dedup/fanout.py),
    as a bucket number, never the key itself: the chunks of the run are ranges of buckets."""

    rule = models.PositiveSmallIntegerField(help_text="Index of the rule in engine.dedup.blocking.RULES")
    bucket = models.BigIntegerField()
    customer_id = models.BigIntegerField()

    class Meta(RunRow.Meta):
        indexes = [models.Index(fields=["run", "rule", "bucket"], name="dedup_key_bucket_idx")]

    def __str__(self) -> str:
        return f"customer {self.customer_id} in bucket {self.bucket} of rule {self.rule}"


class DedupRecord(RunRow):
    """Where a customer sits inside a block in a fan-out de-duplication run: the position of the
    first customer (by id) sharing its postcode, and its email, in the whole table."""

    customer_id = models.BigIntegerField()
    postcode_order = models.BigIntegerField()
    email_order = models.BigIntegerField()

    class Meta(RunRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["run", "customer_id"], name="one_dedup_record_per_run")
        ]

    def __str__(self) -> str:
        return f"customer {self.customer_id} (dedup run {self.run_id})"


class StagedDuplicatePair(RunRow):
    """A pair one chunk of a fan-out de-duplication run found, not yet in the review queue: the
    switch upserts the run's pairs into DuplicatePair at once. A pair two rules propose is
    staged by two chunks and switched in once."""

    chunk = models.PositiveIntegerField(help_text="The number of the chunk that found it")
    left_id = models.BigIntegerField()
    right_id = models.BigIntegerField()
    probability = models.FloatField()
    evidence = models.JSONField(default=dict)

    class Meta(RunRow.Meta):
        indexes = [models.Index(fields=["run", "chunk"], name="staged_pair_chunk_idx")]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} (dedup run {self.run_id})"
