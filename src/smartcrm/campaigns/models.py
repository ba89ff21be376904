"""Campaigns: an audience, an email in English and Chinese, a schedule, a holdout control group,
and one CampaignSend row per customer, written before anything is sent (sending.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    # The holdout's hash key: stable for the campaign's life (engine.uplift.in_control).
    key = models.CharField(max_length=40, unique=True, editable=False)
    name = models.CharField(max_length=200)
    # The audience: a segment key, a saved customer-list filter (its query string's fields), or
    # neither (members added one by one, e.g. by workflows).
    segment = models.CharField(max_length=40, blank=True)
    saved_filter = models.JSONField(default=dict, blank=True)
    # Only the most persuadable share of that audience (by the stored uplift score), e.g. 0.3;
    # empty: all of it. The holdout is drawn inside the chosen share as always.
    persuadable_share = models.FloatField(null=True, blank=True)
    subject_en = models.CharField(max_length=200, blank=True)
    body_en = models.TextField(blank=True)
    subject_zh = models.CharField(max_length=200, blank=True)
    body_zh = models.TextField(blank=True)
    send_at = models.DateTimeField(null=True, blank=True, help_text="UTC; entered in the shop's time zone")
    sends_per_minute = models.PositiveIntegerField(default=600)
    control_share = models.FloatField(default=0.1)
    attribution_days = models.PositiveIntegerField(default=14)
    status = models.CharField(max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process sending it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Its sending worker's last sign of life (core/heartbeat.py)"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "send_at"], name="campaign_due_idx")]

    def __str__(self) -> str:
        return self.name


class SendStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")  # claimed by a worker; the server has not been told to accept it
    SENT = "sent", _("Sent")
    HELD_OUT = "held_out", _("Held out (control group)")
    NO_CONSENT = "no_consent", _("Skipped: no email consent")
    SUPPRESSED = "suppressed", _("Skipped: suppressed")
    NO_EMAIL = "no_email", _("Skipped: no email address")
    FAILED = "failed", _("Failed")
    REMOVED = "removed", _("Removed before sending")


class CampaignSend(models.Model):
    """One customer of one campaign, created before sending; the unit of exactly-once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="campaign_sends"
    )
    in_control = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=SendStatus.choices, default=SendStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="The token of the worker that claimed it")
    sent_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # The customer's scores and order totals when they joined (campaigns.targeting.FEATURES):
    # what the uplift model learns from, as they were at send time.
    features = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="one_send_per_campaign_customer")
        ]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="campaign_send_status_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} {self.status}"


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Hard bounce")
    COMPLAINED = "complained", _("Spam complaint")
    MANUAL = "manual", _("Added by staff")


class Suppression(models.Model):
    """An address no campaign may mail, by its lookup hash (the address itself is not kept)."""

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    source = models.CharField(max_length=100, blank=True)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reason} {self.email_hash[:8]}…"
