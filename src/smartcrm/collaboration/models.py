"""Working together on a record: notifications (the in-app centre and the email digests),
followers, hand-overs of a customer between teams, saved views of the main lists and the bulk
actions run on a selection.

A followed or notified record is named by kind and id (a customer, a ticket or a deal), as the
audit trail names its objects: one table serves the three kinds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    TICKET = "ticket", _("Ticket")
    DEAL = "deal", _("Deal")


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    FOLLOWED_CHANGE = "followed_change", _("Change on a followed record")
    HANDOVER = "handover", _("Hand-over")
    SLA_BREACH = "sla_breach", _("SLA breach")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_kind = models.CharField(max_length=10, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField()
    # The record's name as it was (a ticket's subject, a customer's name), and what happened
    # ("reply", "status"…): the message is worded in the reader's language when shown.
    target_label = models.CharField(max_length=200)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class DigestFrequency(models.TextChoices):
    NEVER = "never", _("Never")
    HOURLY = "hourly", _("Every hour")
    DAILY = "daily", _("Every night")


class NotificationSettings(models.Model):
    """A user's email digest of unread notifications; without a row: every night."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target_kind = models.CharField(max_length=10, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_kind", "target_id"], name="follow_unique"),
        ]
        indexes = [models.Index(fields=["target_kind", "target_id"], name="follow_target_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target_kind} {self.target_id}"


class HandoverKind(models.TextChoices):
    UPSELL = "upsell", _("Upsell (support → sales)")
    ONBOARDING = "onboarding", _("Onboarding (sales → support)")
    OTHER = "other", _("Other")


class Handover(models.Model):
    """A customer passed from one team to another with a note; the receiving team owns them."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="handovers")
    from_team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="handovers_out"
    )
    to_team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="handovers_in")
    kind = models.CharField(max_length=12, choices=HandoverKind.choices, default=HandoverKind.OTHER)
    note = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-created_at"], name="handover_customer_idx")]

    def __str__(self) -> str:
        return f"customer {self.customer_id} to team {self.to_team_id}"


class ListKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ORDERS = "orders", _("Orders")
    TICKETS = "tickets", _("Tickets")
    DEALS = "deals", _("Deals")


class SavedView(models.Model):
    """Filters and columns of a main list, saved by a user for themself or shared with a team.

    ``filters`` are the list's query-string fields (``{"country": "CN", "segment": "at_risk"}``),
    the same a link to the list carries; a customer view is also a campaign audience and a
    workflow condition (``customer.saved_views``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="saved_views",
        help_text=_("Shared with this team; empty: only the owner"),
    )  # fmt: skip
    list_kind = models.CharField(max_length=12, choices=ListKind.choices)
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["list_kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_kind", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
