"""The scores the intelligence pipeline produces per customer (the models behind them live in
:mod:`smartcrm.modelregistry`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.customers.models import Customer


class CustomerScore(models.Model):
    """The latest scores of one customer, with the reasons and the model versions behind them."""

    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.CASCADE, related_name="score"
    )
    as_of = models.DateField()
    scored_at = models.DateTimeField()
    rfm_code = models.CharField(max_length=3, blank=True)
    segment = models.CharField(max_length=40, blank=True)
    cluster = models.SmallIntegerField(null=True, blank=True)
    cluster_label = models.CharField(max_length=200, blank=True)
    expected_purchases_90d = models.FloatField(null=True, blank=True)
    probability_alive = models.FloatField(null=True, blank=True)
    clv_12m = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    churn_risk = models.FloatField(null=True, blank=True)
    churn_reasons = models.TextField(blank=True)
    propensity_30d = models.FloatField(null=True, blank=True)
    propensity_reasons = models.TextField(blank=True)
    next_category = models.CharField(
        max_length=100, blank=True, help_text="Slug of the category the customer most likely buys next"
    )
    next_category_propensity = models.FloatField(null=True, blank=True)
    next_category_reasons = models.TextField(blank=True)
    category_propensities = models.JSONField(
        default=list,
        blank=True,
        help_text='Top categories, best first: [{"category": slug, "probability": p}, …]',
    )
    persuadability = models.FloatField(
        null=True,
        blank=True,
        help_text="Predicted uplift: how much more likely to buy if contacted than if left alone "
        "(the uplift model trained on the shop's finished campaigns; empty without one)",
    )
    model_versions = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-persuadability"], name="score_persuadability_idx"),
            models.Index(fields=["segment"], name="score_segment_idx"),
            models.Index(fields=["-churn_risk"], name="score_churn_idx"),
            models.Index(fields=["-clv_12m"], name="score_clv_idx"),
            models.Index(
                fields=["next_category", "-next_category_propensity"], name="score_next_category_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"scores of customer {self.customer_id}"


class SegmentMovement(models.Model):
    """How many customers moved from one segment to another between two scoring runs.

    ``(new)`` as the origin counts customers first scored in the later run; ``(gone)`` as the
    destination, customers no longer scored (e.g. erased). Written by each refresh that
    replaces earlier scores, so the explorer can show movement over time.
    """

    from_as_of = models.DateField()
    to_as_of = models.DateField(db_index=True)
    from_segment = models.CharField(max_length=40)
    to_segment = models.CharField(max_length=40)
    customers = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_as_of", "to_as_of", "from_segment", "to_segment"], name="one_count_per_move"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_segment} → {self.to_segment}: {self.customers}"


class TrainingStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted (its worker stopped)")


class TrainingRun(models.Model):
    """One ``smartcrm train`` / ``score`` / nightly refresh: its stage, how it ended, what it made.

    The versions a run trains are registered inactive as it goes and switched on together with
    the scores in one transaction at its end (training.py): a run that never reaches its end
    leaves the registry and the scores as they were.
    """

    as_of = models.DateField()
    refit = models.BooleanField(default=True, help_text="Trained new versions (not only scored)")
    status = models.CharField(max_length=12, choices=TrainingStatus.choices, default=TrainingStatus.RUNNING)
    stage = models.CharField(max_length=30, blank=True)
    message = models.CharField(max_length=300, blank=True)
    versions = models.JSONField(default=dict, blank=True, help_text="Kind → version it made or used")
    actor_label = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process running it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Its worker's last sign of life (core/heartbeat.py)"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"training as of {self.as_of} ({self.status})"
