"""The model registry: one row per trained artifact, at most one active per kind."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelKind(models.TextChoices):
    SEGMENTS = "segments", _("Segments (RFM and clusters)")
    CLV = "clv", _("Customer lifetime value")
    CHURN = "churn", _("Churn risk")
    PROPENSITY = "propensity_30d", _("Purchase propensity (30 days)")
    CATEGORY_PROPENSITY = "category_propensity", _("Category propensity (30 days)")
    RECOMMENDATIONS = "recommendations", _("Product recommendations")
    BASKET_RULES = "basket_rules", _("Market-basket rules")
    FORECAST = "forecast", _("Sales forecast")
    ANOMALIES = "anomalies", _("Order anomaly detector")
    SENTIMENT = "sentiment", _("Text sentiment")
    TEXT_TRIAGE = "text_triage", _("Ticket intent and urgency")
    TOPICS = "topics", _("Feedback topics")
    UPLIFT = "uplift", _("Uplift (who is persuadable by a campaign)")


class ModelVersion(models.Model):
    """One trained artifact with what it was trained on and how well it did.

    At most one version per kind is active; activation and rollback swap it atomically.
    """

    kind = models.CharField(max_length=30, choices=ModelKind.choices)
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    trained_as_of = models.DateField(help_text="No data after this date was used")
    training_window_start = models.DateField(null=True, blank=True)
    data_hash = models.CharField(max_length=64, help_text="SHA-256 of the training data extract")
    code_version = models.CharField(max_length=40)
    engine = models.CharField(max_length=100, help_text="Engine class and format version")
    feature_schema = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    artifact = models.FileField(upload_to="models/")
    artifact_sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_model_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_active=True), name="one_active_model_per_kind"
            ),
        ]
        ordering = ["kind", "-version"]
        # The table was created by the intelligence app before the registry had an app of its
        # own; keeping its name made the move a state-only migration.
        db_table = "intelligence_modelversion"

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}{' (active)' if self.is_active else ''}"
