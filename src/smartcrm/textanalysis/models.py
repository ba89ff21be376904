"""One analysis per customer text (ticket, ticket message, review, survey answer)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.customers.models import Customer


class SourceKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    TICKET_MESSAGE = "ticket_message", _("Ticket message")
    REVIEW = "review", _("Review")
    SURVEY = "survey", _("Survey answer")


class TextAnalysis(models.Model):
    """The latest analysis of one text. Re-analysis overwrites it (``model_version`` says by what).

    No raw personal data is copied here: ``redacted`` replaces e-mails, phones, cards, names
    and addresses with placeholders, and ``entities`` keeps kinds and offsets only.
    """

    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField()
    customer = models.ForeignKey(Customer, null=True, on_delete=models.CASCADE, related_name="text_analyses")
    text_created_at = models.DateTimeField(help_text="When the customer wrote the text")
    lang = models.CharField(max_length=10)
    sentiment = models.CharField(max_length=10)
    sentiment_score = models.FloatField()
    aspects = models.JSONField(default=dict, blank=True)
    intent = models.CharField(max_length=30, blank=True)
    intent_confidence = models.FloatField(null=True, blank=True)
    urgency = models.FloatField(null=True, blank=True)
    urgency_level = models.CharField(max_length=10, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    team = models.CharField(max_length=40, blank=True)
    sla_hours = models.FloatField(null=True, blank=True)
    redacted = models.TextField(blank=True)
    entities = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=100)
    analysed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_id"], name="textanalysis_source_unique"),
        ]
        indexes = [
            models.Index(fields=["customer", "text_created_at"], name="textanalysis_customer_idx"),
            models.Index(fields=["source_kind", "text_created_at"], name="textanalysis_kind_time_idx"),
            models.Index(fields=["source_kind", "-urgency"], name="textanalysis_urgency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_kind} {self.source_id}: {self.sentiment}"
