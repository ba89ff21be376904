"""Shop sync: connections to shop platforms, the inbound deliveries they send, the version of
each synced record, and outbound webhook endpoints with their events and delivery log.

Secrets and payloads are encrypted at rest (``EncryptedTextField``): an inbound body carries the
shop's customer details, and an outbound event may carry PII for endpoints allowed to see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.core.fields import EncryptedTextField


class Platform(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify")
    WOOCOMMERCE = "woocommerce", _("WooCommerce")


class ShopConnection(models.Model):
    """One shop that sends us webhooks, with the secret its deliveries are signed with."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    shop_domain = models.CharField(
        max_length=200, help_text="e.g. my-shop.myshopify.com, or the WooCommerce site's host"
    )
    name = models.CharField(max_length=100, blank=True)
    secret = EncryptedTextField(help_text="Shopify app client secret, or the WooCommerce webhook secret")
    default_region = models.CharField(max_length=2, default="US", help_text="for local phone numbers")
    default_currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "shop_domain"], name="unique_shop_per_platform")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.shop_domain}"

    @property
    def external_system(self) -> str:
        """The ``ExternalId.system`` of this shop's customers (short: the column holds 40)."""
        return f"{self.platform}-{self.pk}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # verified and stored; processing is queued
    PROCESSED = "processed", _("Processed")
    STALE = "stale", _("Stale (older than what is stored; ignored)")
    IGNORED = "ignored", _("Ignored (topic not synced)")
    WAITING = "waiting", _("Waiting for the order it refers to")
    FAILED = "failed", _("Failed")


class InboundDelivery(models.Model):
    """One verified webhook delivery. ``(connection, delivery_id, topic)`` is unique: a retried
    delivery is recognised and answered without doing anything twice."""

    connection = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    resource = models.CharField(max_length=20, blank=True, help_text="order, customer or refund")
    external_id = models.CharField(max_length=120, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    waiting_for = models.CharField(max_length=120, blank=True, help_text="external order id")
    # The raw body, encrypted (it holds the shop's customer details), kept for replay.
    payload = EncryptedTextField(blank=True)
    # Field paths and messages only, never values.
    errors = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "delivery_id", "topic"], name="unique_inbound_delivery"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "status", "waiting_for"], name="inbound_waiting_idx"),
        ]
        verbose_name_plural = "inbound deliveries"

    def __str__(self) -> str:
        return f"{self.topic} {self.delivery_id}"


class SyncedRecord(models.Model):
    """The newest remote version applied for one external record: older updates are ignored."""

    connection = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="records")
    resource = models.CharField(max_length=20)
    external_id = models.CharField(max_length=120)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    local_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "resource", "external_id"], name="unique_synced_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.external_id}"


class WebhookEndpoint(models.Model):
    """A URL that receives smartcrm's events, signed with its own secret."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = EncryptedTextField()
    # Event types this endpoint receives; ["*"] means every event.
    event_types = models.JSONField(default=list)
    include_pii = models.BooleanField(
        default=False, help_text="Send names, emails, phone numbers and addresses (off: ids only)"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


class OutboundEvent(models.Model):
    """Something that happened in smartcrm, published once to every endpoint that wants it."""

    uid = models.CharField(max_length=40, unique=True, help_text="evt_…: receivers dedupe on it")
    event_type = models.CharField(max_length=80, db_index=True)
    data = models.JSONField(default=dict, help_text="Ids and other non-PII fields")
    pii = EncryptedTextField(blank=True, help_text="JSON of PII fields, sent only where allowed")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.uid}"


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed (gave up)")


class OutboundDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: the delivery log."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries"
    )
    status = models.CharField(max_length=20, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="outbound_endpoint_idx")]
        verbose_name_plural = "outbound deliveries"

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"
