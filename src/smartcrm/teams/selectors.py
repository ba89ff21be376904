"""Reads of teams, rules and the workload: open items per person and per team."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from smartcrm.accounts.models import User
from smartcrm.assistant.models import Conversation, ConversationState
from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Customer
from smartcrm.pipeline.models import Deal, Lead, LeadStatus
from smartcrm.support.models import Ticket, TicketStatus
from smartcrm.teams.models import AssignmentRule, Membership, Team

OPEN_TICKETS = (TicketStatus.OPEN, TicketStatus.PENDING)
OPEN_LEADS = (LeadStatus.NEW, LeadStatus.QUALIFIED)


def all_teams() -> QuerySet[Team]:
    members = Prefetch(
        "memberships", queryset=Membership.objects.select_related("user").order_by("user__username")
    )
    return Team.objects.select_related("lead").prefetch_related(members)


def get_team(team_id: int) -> Team:
    team = all_teams().filter(pk=team_id).first()
    if team is None:
        raise NotFoundError(f"team {team_id}")
    return team


def all_rules() -> QuerySet[AssignmentRule]:
    return AssignmentRule.objects.select_related("team", "last_assignee")


def get_rule(rule_id: int) -> AssignmentRule:
    rule = all_rules().filter(pk=rule_id).first()
    if rule is None:
        raise NotFoundError(f"rule {rule_id}")
    return rule


def team_member_ids(user_id: int) -> list[int]:
    """The teams ``user_id`` belongs to."""
    return list(Membership.objects.filter(user_id=user_id).values_list("team_id", flat=True))


def _open_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.filter(status__in=OPEN_TICKETS)


def _open_deals() -> QuerySet[Deal]:
    return Deal.objects.filter(closed_at__isnull=True)


def _open_leads() -> QuerySet[Lead]:
    return Lead.objects.filter(status__in=OPEN_LEADS)


def _open_conversations() -> QuerySet[Conversation]:
    return Conversation.objects.filter(state=ConversationState.HANDED_OFF)


def _counts(queryset: QuerySet[Any], column: str) -> dict[int, int]:
    rows = queryset.exclude(**{column: None}).values(column).annotate(n=Count("id")).order_by()
    return {row[column]: row["n"] for row in rows}


def open_items_by_user(user_ids: list[int] | None = None) -> Counter[int]:
    """Open tickets + open deals + open leads + conversations with a person, per assignee
    (5 queries)."""
    total: Counter[int] = Counter()
    for queryset, column in (
        (_open_tickets(), "assignee_id"),
        (_open_deals(), "owner_id"),
        (_open_leads(), "owner_id"),
        (_open_conversations(), "assignee_id"),
    ):
        if user_ids is not None:
            queryset = queryset.filter(**{f"{column}__in": user_ids})
        total.update(_counts(queryset, column))
    return total


@dataclass
class Load:
    """What one person or team has open."""

    name: str
    id: int
    tickets: int = 0
    deals: int = 0
    leads: int = 0
    conversations: int = 0
    customers: int = 0
    teams: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.tickets + self.deals + self.leads + self.conversations


@dataclass
class Workload:
    people: list[Load]
    teams: list[Load]
    unassigned_tickets: int


def workload() -> Workload:
    """Open items per person (everyone in a team or holding something open) and per team."""
    tickets_u, tickets_t = _counts(_open_tickets(), "assignee_id"), _counts(_open_tickets(), "team_id")
    deals_u, deals_t = _counts(_open_deals(), "owner_id"), _counts(_open_deals(), "team_id")
    leads_u, leads_t = _counts(_open_leads(), "owner_id"), _counts(_open_leads(), "team_id")
    conv_u, conv_t = _counts(_open_conversations(), "assignee_id"), _counts(_open_conversations(), "team_id")
    owned_u = _counts(Customer.objects.all(), "owner_id")
    owned_t = _counts(Customer.objects.all(), "owner_team_id")
    teams = list(all_teams())
    in_team = {m.user_id for t in teams for m in t.memberships.all()}
    wanted = in_team | set(tickets_u) | set(deals_u) | set(leads_u) | set(conv_u) | set(owned_u)
    users = User.objects.filter(pk__in=wanted).order_by("username")
    people = [
        Load(
            name=user.get_username(),
            id=user.pk,
            tickets=tickets_u.get(user.pk, 0),
            deals=deals_u.get(user.pk, 0),
            leads=leads_u.get(user.pk, 0),
            conversations=conv_u.get(user.pk, 0),
            customers=owned_u.get(user.pk, 0),
            teams=[t.name for t in teams if any(m.user_id == user.pk for m in t.memberships.all())],
        )
        for user in users
    ]
    team_loads = [
        Load(
            name=t.name,
            id=t.pk,
            tickets=tickets_t.get(t.pk, 0),
            deals=deals_t.get(t.pk, 0),
            leads=leads_t.get(t.pk, 0),
            conversations=conv_t.get(t.pk, 0),
            customers=owned_t.get(t.pk, 0),
        )
        for t in teams
    ]
    unassigned = _open_tickets().filter(assignee__isnull=True).count()
    return Workload(people, team_loads, unassigned)


def staff_choices() -> list[tuple[int, str]]:
    """Active staff, to pick a member or a lead."""
    return list(User.objects.filter(is_active=True).order_by("username").values_list("id", "username"))
