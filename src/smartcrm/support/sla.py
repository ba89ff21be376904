"""SLA policies: each ticket's due times, the policies' writes, and the periodic breach check.

Targets are wall-clock hours from the ticket's creation: nights, weekends and holidays count
(business hours would need a calendar per team; docs/user-guide/sla.md says so to the admin).

The check (``smartcrm.support.check_sla_breaches``: Celery beat every few minutes, the embedded
runner's timer without a broker) records one :class:`SLABreach` per ticket and kind. The
unique constraint on the two makes it idempotent: a second run, or two at once, finds the row
and alerts nobody again. Only a target missed *now* (no first reply yet, or still open) alerts
the assignee and the team lead; a target that was met late is recorded for the figures only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.support import events
from smartcrm.support.models import (
    BreachKind,
    Priority,
    SLABreach,
    SLAPolicy,
    Ticket,
    TicketChannel,
    TicketStatus,
)

logger = logging.getLogger("smartcrm.support.sla")

OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING)
SOLVED_STATUSES = (TicketStatus.SOLVED, TicketStatus.CLOSED)
MAX_HOURS = Decimal(24 * 365)
# Breaches met late (no one to alert) are written this many rows per INSERT.
SILENT_BATCH = 1000


def _specificity(policy: SLAPolicy) -> int:
    """0 for priority and channel, 1 for priority only, 2 for channel only, 3 for the default."""
    return (0 if policy.priority else 2) + (0 if policy.channel else 1)


def policy_for(priority: str, channel: str, policies: Iterable[SLAPolicy]) -> SLAPolicy | None:
    """The most specific policy matching a ticket of ``priority`` on ``channel``."""
    for policy in sorted(policies, key=_specificity):
        if policy.priority in ("", priority) and policy.channel in ("", channel):
            return policy
    return None


def set_due_times(ticket: Ticket) -> None:
    """Put the matching policy's due times on ``ticket`` (not saved; none without a policy)."""
    policy = policy_for(ticket.priority, ticket.channel, SLAPolicy.objects.all())
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        return
    ticket.first_response_due_at = ticket.created_at + timedelta(hours=float(policy.first_response_hours))
    ticket.resolution_due_at = ticket.created_at + timedelta(hours=float(policy.resolution_hours))


def fill_missing_due_times() -> int:
    """Due times for the tickets without (bulk-loaded, imported, or written before a policy
    existed): one UPDATE per policy, most specific first, each only on the tickets still empty."""
    filled = 0
    for policy in sorted(SLAPolicy.objects.all(), key=_specificity):
        scope = Q(first_response_due_at__isnull=True)
        if policy.priority:
            scope &= Q(priority=policy.priority)
        if policy.channel:
            scope &= Q(channel=policy.channel)
        filled += Ticket.objects.filter(scope).update(
            first_response_due_at=F("created_at") + timedelta(hours=float(policy.first_response_hours)),
            resolution_due_at=F("created_at") + timedelta(hours=float(policy.resolution_hours)),
        )
    return filled


def _recompute_open_due_times() -> None:
    """After a policy changed: the open tickets take the policies as they are now (solved ones
    keep the targets they were measured against)."""
    Ticket.objects.filter(status__in=OPEN_STATUSES).update(first_response_due_at=None, resolution_due_at=None)
    fill_missing_due_times()


def _clean_policy(values: dict[str, Any], policy: SLAPolicy | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = str(values.get("name", "")).strip()
    if not name:
        errors["name"] = "A policy needs a name."
    priority, channel = values.get("priority", ""), values.get("channel", "")
    if priority not in ("", *Priority.values):
        errors["priority"] = f"Must be empty or one of: {', '.join(Priority.values)}."
    if channel not in ("", *TicketChannel.values):
        errors["channel"] = f"Must be empty or one of: {', '.join(TicketChannel.values)}."
    first, resolution = values.get("first_response_hours"), values.get("resolution_hours")
    for field, hours in (("first_response_hours", first), ("resolution_hours", resolution)):
        if not isinstance(hours, Decimal) or not Decimal(0) < hours <= MAX_HOURS:
            errors[field] = f"Hours between 0 and {MAX_HOURS}."
    if not errors and resolution < first:  # type: ignore[operator]
        errors["resolution_hours"] = "Resolution cannot be due before the first response."
    same_scope = SLAPolicy.objects.filter(priority=priority, channel=channel)
    if policy is not None:
        same_scope = same_scope.exclude(pk=policy.pk)
    if same_scope.exists():
        errors["priority"] = "Another policy has this priority and channel."
    if errors:
        raise ServiceValidationError(errors)
    return {
        "name": name[:100],
        "priority": priority,
        "channel": channel,
        "first_response_hours": first,
        "resolution_hours": resolution,
    }


@transaction.atomic
def save_policy(*, actor: Actor, values: dict[str, Any], policy: SLAPolicy | None = None) -> SLAPolicy:
    """Create a policy (``policy`` None) or change one; the open tickets' due times follow."""
    cleaned = _clean_policy(values, policy)
    if policy is None:
        policy = SLAPolicy.objects.create(**cleaned)
        audit.record(actor, AuditAction.CREATE, policy)
    else:
        changes = audit.diff(policy, cleaned, frozenset())
        if not changes:
            return policy
        policy.save()
        audit.record(actor, AuditAction.UPDATE, policy, changes=changes)
    _recompute_open_due_times()
    return policy


@transaction.atomic
def delete_policy(*, actor: Actor, policy: SLAPolicy) -> None:
    audit.record(actor, AuditAction.DELETE, policy)
    policy.delete()
    _recompute_open_due_times()


@dataclass(frozen=True)
class BreachCheck:
    due_times_filled: int
    alerted: int  # targets missed now: the assignee and the team lead were told
    recorded_late: int  # targets met late: recorded for the figures


def _missed_now(kind: BreachKind, now: datetime) -> QuerySet[Ticket]:
    if kind == BreachKind.FIRST_RESPONSE:
        late = Q(first_response_at__isnull=True, first_response_due_at__lt=now)
    else:
        late = Q(resolution_due_at__lt=now)
    return Ticket.objects.filter(late, status__in=OPEN_STATUSES).exclude(sla_breaches__kind=kind)


def _met_late(kind: BreachKind) -> QuerySet[Ticket]:
    if kind == BreachKind.FIRST_RESPONSE:
        late = Q(first_response_at__gt=F("first_response_due_at"))
    else:
        late = Q(status__in=SOLVED_STATUSES, solved_at__gt=F("resolution_due_at"))
    return Ticket.objects.filter(late).exclude(sla_breaches__kind=kind)


def _due(ticket: Ticket, kind: BreachKind) -> datetime:
    due = ticket.first_response_due_at if kind == BreachKind.FIRST_RESPONSE else ticket.resolution_due_at
    assert due is not None
    return due


def _alert(ticket: Ticket, kind: BreachKind, now: datetime) -> bool:
    """Record the breach and alert, once: False when another check recorded it first."""
    with transaction.atomic():
        breach, created = SLABreach.objects.get_or_create(
            ticket=ticket, kind=kind, defaults={"due_at": _due(ticket, kind), "detected_at": now}
        )
        if created:
            events.sla_breached(breach)
    return created


def check_breaches(now: datetime | None = None) -> BreachCheck:
    """Fill missing due times, then record every breach not recorded yet. One ticket that fails
    is logged and skipped; the next run tries it again."""
    now = now or timezone.now()
    filled = fill_missing_due_times()
    alerted = recorded = 0
    for kind in BreachKind:
        missed = _missed_now(kind, now).select_related("assignee", "team__lead").order_by("pk")
        for ticket in missed.iterator(chunk_size=200):
            try:
                alerted += _alert(ticket, kind, now)
            except DatabaseError as exc:
                logger.error("SLA breach of ticket %s not recorded: %s", ticket.pk, type(exc).__name__)
        late = _met_late(kind).only("pk", "first_response_due_at", "resolution_due_at").order_by("pk")
        rows = [SLABreach(ticket=t, kind=kind, due_at=_due(t, kind), detected_at=now) for t in late]
        SLABreach.objects.bulk_create(rows, batch_size=SILENT_BATCH, ignore_conflicts=True)
        recorded += len(rows)
    return BreachCheck(due_times_filled=filled, alerted=alerted, recorded_late=recorded)
