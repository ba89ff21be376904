"""Teams of staff (sales, support, marketing…) with members and a lead, and the rules that
assign new tickets, deals, leads and conversations to a team and to one of its members.

Tickets, deals, leads, conversations and customers name their team by a string foreign key
("teams.Team"), with no Python import: the domain apps sit below this app in the layers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.accounts.models import User


class TeamKind(models.TextChoices):
    SALES = "sales", _("Sales")
    SUPPORT = "support", _("Support")
    MARKETING = "marketing", _("Marketing")
    OTHER = "other", _("Other")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.OTHER)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        User, through="Membership", related_name="teams", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class RecordKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    DEAL = "deal", _("Deal")
    LEAD = "lead", _("Lead")
    CONVERSATION = "conversation", _("Conversation")


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_BUSY = "least_busy", _("Fewest open items")


class AssignmentRule(models.Model):
    """When a new record matches (its language, its customer's segment, its customer's value),
    it goes to ``team`` and to one of the team's members by ``strategy``. The first enabled
    matching rule by ``position`` wins; a record no rule matches stays unassigned."""

    name = models.CharField(_("name"), max_length=100)
    record_kind = models.CharField(_("records"), max_length=20, choices=RecordKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("Empty: any"))
    segment = models.CharField(_("segment"), max_length=40, blank=True, help_text=_("Empty: any"))
    min_customer_value = models.DecimalField(
        _("minimum customer value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The customer's total spent; empty: any"),
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="rules")
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.ROUND_ROBIN
    )
    # The member who got the rule's last record: round robin goes on with the next one.
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record_kind", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, *, language: str, segment: str, customer_value: Decimal | None) -> bool:
        if self.language and not language.lower().startswith(self.language.lower()):
            return False
        if self.segment and segment != self.segment:
            return False
        if self.min_customer_value is not None:
            return customer_value is not None and customer_value >= self.min_customer_value
        return True
