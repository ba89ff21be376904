"""Stored forecasts (one row per series and period) and alerts with their review state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.modelregistry.models import ModelVersion


class Grain(models.TextChoices):
    DAY = "day", _("Daily")
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")


class StoredForecast(models.Model):
    """One forecast period of one series (``revenue/category/Books``), from one model version."""

    series_key = models.CharField(max_length=200)
    metric = models.CharField(max_length=20)  # revenue | orders
    level = models.CharField(max_length=20)  # total | category | product
    grain = models.CharField(max_length=10, choices=Grain.choices)
    day = models.DateField(help_text="First day of the forecast period")
    mean = models.FloatField()
    lo_80 = models.FloatField()
    hi_80 = models.FloatField()
    lo_95 = models.FloatField()
    hi_95 = models.FloatField()
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["series_key", "grain", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["series_key", "grain", "day"], name="insights_forecast_unique_period"
            )
        ]
        indexes = [models.Index(fields=["grain", "metric", "level"])]

    def __str__(self) -> str:
        return f"{self.series_key} {self.grain} {self.day}"


class AlertKind(models.TextChoices):
    METRIC = "metric", _("Daily metric")
    ORDER = "order", _("Unusual order")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """An anomaly the detectors found; ``key`` makes detection idempotent."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    metric = models.CharField(max_length=40)
    first_day = models.DateField()
    last_day = models.DateField()
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    score = models.FloatField()
    explanation = models.TextField()
    explanation_data = models.JSONField(
        default=dict,
        blank=True,
        help_text="The explanation as data, for other languages (code, English message, values); "
        "empty for alerts found before it was kept",
    )
    details = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=15, choices=AlertState.choices, default=AlertState.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_day", "-id"]
        indexes = [models.Index(fields=["state", "-first_day"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.metric} {self.first_day}"
