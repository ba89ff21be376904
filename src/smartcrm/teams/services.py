"""Writes for teams, their members and the assignment rules: validated, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartcrm.accounts.models import User
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.teams.models import AssignmentRule, Membership, RecordKind, Strategy, Team, TeamKind


@transaction.atomic
def create_team(*, actor: Actor, name: str, kind: str = TeamKind.OTHER, lead: User | None = None) -> Team:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("A team needs a name.")
    elif len(name) > 80:
        errors["name"] = _("At most 80 characters.")
    elif Team.objects.filter(name__iexact=name).exists():
        errors["name"] = _("A team with this name exists already.")
    if kind not in TeamKind.values:
        errors["kind"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(TeamKind.values)}
    if errors:
        raise ServiceValidationError(errors)
    team = Team.objects.create(name=name, kind=kind, lead=lead)
    if lead is not None:
        Membership.objects.create(team=team, user=lead)
    audit.record(actor, AuditAction.CREATE, team, changes={"name": name, "kind": kind})
    return team


@transaction.atomic
def set_lead(*, actor: Actor, team: Team, lead: User | None) -> None:
    """The lead is a member too (added when not yet one)."""
    changes = audit.diff(team, {"lead": lead}, frozenset())
    if not changes:
        return
    team.save(update_fields=["lead"])
    if lead is not None:
        Membership.objects.get_or_create(team=team, user=lead)
    audit.record(actor, AuditAction.UPDATE, team, changes=changes)


@transaction.atomic
def add_member(*, actor: Actor, team: Team, user: User) -> bool:
    """True when ``user`` joined; False when already a member."""
    _membership, created = Membership.objects.get_or_create(team=team, user=user)
    if created:
        audit.record(actor, AuditAction.UPDATE, team, changes={"member_added": user.get_username()})
    return created


@transaction.atomic
def remove_member(*, actor: Actor, team: Team, user: User) -> bool:
    deleted, _count = Membership.objects.filter(team=team, user=user).delete()
    if not deleted:
        return False
    if team.lead_id == user.pk:
        team.lead = None
        team.save(update_fields=["lead"])
    audit.record(actor, AuditAction.UPDATE, team, changes={"member_removed": user.get_username()})
    return True


@transaction.atomic
def create_rule(
    *,
    actor: Actor,
    name: str,
    record_kind: str,
    team: Team,
    strategy: str = Strategy.ROUND_ROBIN,
    language: str = "",
    segment: str = "",
    min_customer_value: Decimal | None = None,
    position: int = 0,
) -> AssignmentRule:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 100:
        errors["name"] = _("A rule needs a name of at most 100 characters.")
    if record_kind not in RecordKind.values:
        errors["record_kind"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(RecordKind.values)}
    if strategy not in Strategy.values:
        errors["strategy"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Strategy.values)}
    if min_customer_value is not None and min_customer_value < 0:
        errors["min_customer_value"] = _("Cannot be negative.")
    if len(language.strip()) > 10:
        errors["language"] = _("At most 10 characters.")
    if len(segment.strip()) > 40:
        errors["segment"] = _("At most 40 characters.")
    if errors:
        raise ServiceValidationError(errors)
    rule = AssignmentRule.objects.create(
        name=name,
        record_kind=record_kind,
        team=team,
        strategy=strategy,
        language=language.strip(),
        segment=segment.strip(),
        min_customer_value=min_customer_value,
        position=position,
    )
    changes: dict[str, Any] = {"name": name, "record_kind": record_kind, "team": team.pk}
    audit.record(actor, AuditAction.CREATE, rule, changes=changes)
    return rule


@transaction.atomic
def delete_rule(*, actor: Actor, rule: AssignmentRule) -> None:
    audit.record(actor, AuditAction.DELETE, rule, changes={"name": rule.name})
    rule.delete()
