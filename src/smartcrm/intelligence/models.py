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
    explanations = models.JSONField(
        default=dict,
        blank=True,
        help_text='The reasons and the cluster label as data, for other languages: {"churn": '
        '{"code", "message", "params"}, "propensity": …, "next_category": …, "cluster": …} '
        "(empty for rows scored before it was kept: their English text is shown)",
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


class RefreshStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    TRAINING = "training", _("Training on the sample")
    SCORING = "scoring", _("Scoring chunks")
    SWITCHING = "switching", _("Switching to the new scores")
    DONE = "done", _("Done")
    FAILED = "failed", _("A chunk failed")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted (its worker stopped)")


class RunKind(models.TextChoices):
    SCORES = "scores", _("Customer scores")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    TEXTS = "texts", _("Text analysis backfill")
    DEDUP = "dedup", _("De-duplication")


class RefreshRun(models.Model):
    """One fan-out refresh (refresh.py): models fitted on a bounded sample, then every customer
    scored in chunks of customer ids that workers take in parallel, each chunk's rows staged
    under this run (its generation) and switched into CustomerScore in one transaction once
    every chunk is done. ``kind`` says what it refreshes: the scores, the recommendations
    (staged in StagedRecommendation, switched the same way) or the analysis of texts not yet
    analysed (chunks of text ids, written as they finish: nothing to switch)."""

    kind = models.CharField(max_length=20, choices=RunKind.choices, default=RunKind.SCORES)
    options = models.JSONField(default=dict, blank=True, help_text="What this kind of run was asked to do")
    as_of = models.DateField()
    status = models.CharField(max_length=12, choices=RefreshStatus.choices, default=RefreshStatus.QUEUED)
    message = models.CharField(max_length=300, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    chunk_size = models.PositiveIntegerField(help_text="Customer (or text) ids per chunk")
    sample_customers = models.PositiveIntegerField(default=0, help_text="Customers the models learnt from")
    fitted = models.BinaryField(null=True, blank=True, help_text="The fitted models every chunk scores with")
    staged_versions = models.JSONField(default=list, blank=True, help_text="Model version ids to activate")
    versions = models.JSONField(default=dict, blank=True, help_text="Kind → version it made")
    metrics = models.JSONField(default=dict, blank=True)
    seconds = models.JSONField(default=dict, blank=True, help_text="Seconds per stage")
    customers_scored = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(
        max_length=120, blank=True, help_text="host:pid of the process training or switching"
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} refresh as of {self.as_of} ({self.status})"


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class RefreshChunk(models.Model):
    """The customers with ids ``first_id`` … ``last_id`` of one refresh run (or, in a text
    backfill, the texts of kind ``source`` with those ids): one bulk-queue task."""

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=20, blank=True, help_text="A text backfill's text kind")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0, help_text="Customers scored (texts analysed)")
    seconds = models.FloatField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_chunk_number_per_run")]

    def __str__(self) -> str:
        return f"chunk {self.number} of refresh {self.run_id} ({self.status})"


class StagedScore(models.Model):
    """A customer's new scores in a refresh run's generation, not yet visible: the columns of
    CustomerScore that a refresh writes, copied over all at once by the switch."""

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer_id = models.BigIntegerField()
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
    next_category = models.CharField(max_length=100, blank=True)
    next_category_propensity = models.FloatField(null=True, blank=True)
    next_category_reasons = models.TextField(blank=True)
    category_propensities = models.JSONField(default=list, blank=True)
    explanations = models.JSONField(default=dict, blank=True)
    model_versions = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer_id"], name="one_staged_score_per_run")
        ]

    def __str__(self) -> str:
        return f"staged scores of customer {self.customer_id} (refresh {self.run_id})"
