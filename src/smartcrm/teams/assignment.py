"""Routing a new ticket, deal, lead or conversation: the first enabled rule of its kind that matches
(language, the customer's segment and value) names the team, and the team's strategy picks the
member — round robin after the rule's last assignee, or the member with the fewest open items.

Runs inside the writer's transaction (the support and pipeline events call it), so a record is
never seen unassigned once committed; the rule row is locked so that two records created at the
same moment go to two members.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smartcrm.accounts.models import User
from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import CustomerScore
from smartcrm.teams.models import AssignmentRule, RecordKind, Strategy, Team
from smartcrm.teams.selectors import open_items_by_user


@dataclass(frozen=True)
class Choice:
    rule: AssignmentRule
    team: Team
    user: User | None


def _segment(customer: Customer | None) -> str:
    if customer is None:
        return ""
    score = CustomerScore.objects.filter(customer_id=customer.pk).values_list("segment", flat=True).first()
    return score or ""


def _members(team: Team) -> list[User]:
    return list(team.members.filter(is_active=True).order_by("id"))


def _next_in_turn(rule: AssignmentRule, members: list[User]) -> User:
    after = rule.last_assignee_id or 0
    return next((m for m in members if m.pk > after), members[0])


def _least_busy(members: list[User]) -> User:
    load = open_items_by_user([m.pk for m in members])
    return min(members, key=lambda m: (load.get(m.pk, 0), m.pk))


def choose(*, record_kind: RecordKind, language: str, customer: Customer | None) -> Choice | None:
    """The matching rule, its team and the member chosen (None when the team has no one)."""
    rules = AssignmentRule.objects.filter(record_kind=record_kind, enabled=True).select_related("team")
    if not rules.exists():
        return None
    segment = _segment(customer)
    value: Decimal | None = customer.total_spent if customer is not None else None
    for rule in rules:
        if not rule.matches(language=language, segment=segment, customer_value=value):
            continue
        locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
        members = _members(rule.team)
        if not members:
            return Choice(locked, rule.team, None)
        user = (
            _least_busy(members) if locked.strategy == Strategy.LEAST_BUSY else _next_in_turn(locked, members)
        )
        locked.last_assignee = user
        locked.save(update_fields=["last_assignee"])
        return Choice(locked, rule.team, user)
    return None


def assign(record: Any, *, record_kind: RecordKind, user_field: str, language: str) -> Choice | None:
    """Set the record's team (when it has none) and member (when it has none), saving only those."""
    customer = record.customer if record.customer_id else None
    choice = choose(record_kind=record_kind, language=language, customer=customer)
    if choice is None:
        return None
    fields = []
    if record.team_id is None:
        record.team = choice.team
        fields.append("team")
    if getattr(record, f"{user_field}_id") is None and choice.user is not None:
        setattr(record, user_field, choice.user)
        fields.append(user_field)
    if fields:
        type(record).objects.filter(pk=record.pk).update(**{f: getattr(record, f) for f in fields})
    return choice
