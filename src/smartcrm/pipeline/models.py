"""The B2B wholesale pipeline: leads, deals and the stages deals move through."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.core.fields import EncryptedTextField
from smartcrm.customers.models import Customer


class Stage(models.Model):
    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField()
    probability = models.PositiveSmallIntegerField(help_text="Chance to win, in percent")
    is_won = models.BooleanField(default=False)
    is_lost = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class Lead(models.Model):
    company_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    email = EncryptedTextField(blank=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.company_name


class Deal(models.Model):
    title = models.CharField(max_length=200)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    expected_close = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["stage", "-value"], name="deal_stage_idx")]

    def __str__(self) -> str:
        return self.title


class SalesTarget(models.Model):
    """The amount the team aims to win in one calendar month (the sales dashboard's target)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month"))
    amount = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.amount}"
