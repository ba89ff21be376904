"""SLA policies: each ticket's due times, the policies' and business calendars' writes, and the
periodic breach check.

Targets are hours from the ticket's creation. A policy with a business calendar counts opening
hours only (its weekdays' intervals in its time zone, holidays closed, real elapsed time across
DST changes: :mod:`smartcrm.engine.business_hours`); a policy without one counts wall-clock
hours, nights, weekends and holidays included (24/7). Calendars are shop-wide and named, and each
policy picks its own: an urgent policy can run around the clock while the others follow office
hours (SLA policies have no team, so a calendar per team would have nothing to hang on).

When a policy or a calendar in use changes, the open tickets' due times are recomputed from
their creation in the background (:func:`request_recompute` records a :class:`DueTimeRecompute`
and starts its job on commit; the job is support/recompute.py), so the save answers at once
however many tickets are open. Solved tickets keep the targets they were measured against, and
breaches already recorded stay recorded. While a recompute is queued or running the breach
check records nothing (:func:`check_breaches` says ``deferred``): the open tickets' due times
may still be the old policy's, and a ticket late by those but not by the new ones must not
alert. The next check after the recompute catches up, so a real breach is reported at most a
recompute plus one check interval late.

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
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from django.db import DatabaseError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.engine.business_hours import CalendarError, WorkCalendar, add_hours
from smartcrm.support import events, jobs
from smartcrm.support.models import (
    BreachKind,
    BusinessCalendar,
    DueTimeRecompute,
    Priority,
    RecomputeState,
    SLABreach,
    SLAPolicy,
    Ticket,
    TicketChannel,
    TicketStatus,
)
from smartcrm.support.selectors import recompute_pending

logger = logging.getLogger("smartcrm.support.sla")

OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING)
SOLVED_STATUSES = (TicketStatus.SOLVED, TicketStatus.CLOSED)
MAX_HOURS = Decimal(24 * 365)
# Breaches met late (no one to alert) are written this many rows per INSERT.
SILENT_BATCH = 1000
# Tickets under a calendar policy get their due times in Python, this many per UPDATE.
DUE_TIME_BATCH = 500


def _specificity(policy: SLAPolicy) -> int:
    """0 for priority and channel, 1 for priority only, 2 for channel only, 3 for the default."""
    return (0 if policy.priority else 2) + (0 if policy.channel else 1)


def policy_for(priority: str, channel: str, policies: Iterable[SLAPolicy]) -> SLAPolicy | None:
    """The most specific policy matching a ticket of ``priority`` on ``channel``."""
    for policy in sorted(policies, key=_specificity):
        if policy.priority in ("", priority) and policy.channel in ("", channel):
            return policy
    return None


def work_calendar(policy: SLAPolicy) -> WorkCalendar | None:
    """The policy's business hours, or None: around the clock."""
    return None if policy.calendar is None else policy.calendar.work_calendar()


def due_times(
    created_at: datetime, policy: SLAPolicy, calendar: WorkCalendar | None
) -> tuple[datetime, datetime]:
    """The first-response and resolution due times of a ticket created at ``created_at``."""
    return (
        add_hours(created_at, float(policy.first_response_hours), calendar),
        add_hours(created_at, float(policy.resolution_hours), calendar),
    )


def set_due_times(ticket: Ticket) -> None:
    """Put the matching policy's due times on ``ticket`` (not saved; none without a policy)."""
    policy = policy_for(ticket.priority, ticket.channel, SLAPolicy.objects.select_related("calendar"))
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        return
    ticket.first_response_due_at, ticket.resolution_due_at = due_times(
        ticket.created_at, policy, work_calendar(policy)
    )


def _fill_by_calendar(scope: QuerySet[Ticket], policy: SLAPolicy, calendar: WorkCalendar) -> int:
    """Opening hours are not SQL: compute each ticket's due times and write them in batches."""
    filled = 0
    batch: list[Ticket] = []
    for ticket in scope.only("pk", "created_at").order_by("pk").iterator(chunk_size=DUE_TIME_BATCH):
        ticket.first_response_due_at, ticket.resolution_due_at = due_times(
            ticket.created_at, policy, calendar
        )
        batch.append(ticket)
        if len(batch) >= DUE_TIME_BATCH:
            filled += Ticket.objects.bulk_update(batch, ["first_response_due_at", "resolution_due_at"])
            batch = []
    if batch:
        filled += Ticket.objects.bulk_update(batch, ["first_response_due_at", "resolution_due_at"])
    return filled


def fill_missing_due_times() -> int:
    """Due times for the tickets without (bulk-loaded, imported, or written before a policy
    existed), policy by policy, most specific first, each only on the tickets still empty: one
    UPDATE for a 24/7 policy, the opening-hours arithmetic ticket by ticket for a calendar."""
    filled = 0
    for policy in sorted(SLAPolicy.objects.select_related("calendar"), key=_specificity):
        scope = Q(first_response_due_at__isnull=True)
        if policy.priority:
            scope &= Q(priority=policy.priority)
        if policy.channel:
            scope &= Q(channel=policy.channel)
        calendar = work_calendar(policy)
        if calendar is not None:
            filled += _fill_by_calendar(Ticket.objects.filter(scope), policy, calendar)
            continue
        filled += Ticket.objects.filter(scope).update(
            first_response_due_at=F("created_at") + timedelta(hours=float(policy.first_response_hours)),
            resolution_due_at=F("created_at") + timedelta(hours=float(policy.resolution_hours)),
        )
    return filled


def request_recompute() -> DueTimeRecompute:
    """After a policy or a calendar changed (inside the change's transaction): record a recompute
    of the open tickets' due times and start its job once the change commits.

    The newest recompute row is locked first, and each batch of a running recompute writes under
    the same lock after checking that it is still the newest. So once this change commits, an
    older recompute (which read the policies before it) writes nothing more, and the new one
    reads the policies as they are now. Older ones still queued are superseded at once."""
    now = timezone.now()
    DueTimeRecompute.objects.select_for_update().order_by("-pk").first()
    DueTimeRecompute.objects.filter(state=RecomputeState.QUEUED).update(
        state=RecomputeState.SUPERSEDED, finished_at=now
    )
    run = DueTimeRecompute.objects.create(requested_at=now)
    jobs.recompute_due_times.on_commit(run.pk)
    return run


@transaction.atomic
def retry_recompute() -> DueTimeRecompute:
    """Recompute the open tickets' due times again (the last recompute failed or was interrupted);
    refused while one is queued or running."""
    if recompute_pending():
        raise ServiceValidationError({"__all__": _("The due times are being recomputed already.")})
    return request_recompute()


def _reachable(policy_hours: Iterable[Decimal], calendar: WorkCalendar | None) -> bool:
    """Every target is reached within the engine's horizon (a calendar open a minute a week is not)."""
    if calendar is None:
        return True
    try:
        for hours in policy_hours:
            add_hours(timezone.now(), float(hours), calendar)
    except CalendarError:
        return False
    return True


def _clean_policy(values: dict[str, Any], policy: SLAPolicy | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = str(values.get("name", "")).strip()
    if not name:
        errors["name"] = _("A policy needs a name.")
    priority, channel = values.get("priority", ""), values.get("channel", "")
    if priority not in ("", *Priority.values):
        errors["priority"] = _("Must be empty or one of: %(choices)s.") % {
            "choices": ", ".join(Priority.values)
        }
    if channel not in ("", *TicketChannel.values):
        errors["channel"] = _("Must be empty or one of: %(choices)s.") % {
            "choices": ", ".join(TicketChannel.values)
        }
    first, resolution = values.get("first_response_hours"), values.get("resolution_hours")
    for field, hours in (("first_response_hours", first), ("resolution_hours", resolution)):
        if not isinstance(hours, Decimal) or not Decimal(0) < hours <= MAX_HOURS:
            errors[field] = _("Hours between 0 and %(max)s.") % {"max": MAX_HOURS}
    if not errors and resolution < first:  # type: ignore[operator]
        errors["resolution_hours"] = _("Resolution cannot be due before the first response.")
    calendar = values.get("calendar")
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        errors["calendar"] = _("Choose one of the business calendars.")
    elif not errors and not _reachable((resolution,), None if calendar is None else calendar.work_calendar()):  # type: ignore[arg-type]
        errors["resolution_hours"] = _("These business hours never add up to this many hours.")
    same_scope = SLAPolicy.objects.filter(priority=priority, channel=channel)
    if policy is not None:
        same_scope = same_scope.exclude(pk=policy.pk)
    if same_scope.exists():
        errors["priority"] = _("Another policy has this priority and channel.")
    if errors:
        raise ServiceValidationError(errors)
    return {
        "name": name[:100],
        "priority": priority,
        "channel": channel,
        "first_response_hours": first,
        "resolution_hours": resolution,
        "calendar": calendar,
    }


@transaction.atomic
def save_policy(*, actor: Actor, values: dict[str, Any], policy: SLAPolicy | None = None) -> SLAPolicy:
    """Create a policy (``policy`` None) or change one; the open tickets' due times follow in
    the background (:func:`request_recompute`).

    ``values["calendar"]``: a :class:`BusinessCalendar` (opening hours) or None (around the clock).
    """
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
    request_recompute()
    return policy


@transaction.atomic
def delete_policy(*, actor: Actor, policy: SLAPolicy) -> None:
    audit.record(actor, AuditAction.DELETE, policy)
    policy.delete()
    request_recompute()


# ---------------------------------------------------------------------- business calendars


def calendar_error_message(error: CalendarError) -> str:
    """The engine's error code in the reader's language."""
    if error.code == "format":
        return _("Write opening hours as 09:00-17:00, several separated by commas (%(text)s).") % {
            "text": error.detail
        }
    if error.code == "interval":
        return _("An interval must close after it opens, by 24:00 at the latest (%(text)s).") % {
            "text": error.detail
        }
    if error.code == "overlap":
        return _("Intervals of one day must not overlap (%(text)s).") % {"text": error.detail}
    return _("These opening hours cannot be used.")


def _clean_calendar(values: dict[str, Any], calendar: BusinessCalendar | None) -> dict[str, Any]:
    """``values``: ``name``, ``time_zone``, ``weekly_hours`` (seven sequences of (start, end)
    minutes, Monday first) and ``holidays`` (dates)."""
    errors: dict[str, str] = {}
    name = str(values.get("name", "")).strip()[:100]
    if not name:
        errors["name"] = _("A calendar needs a name.")
    else:
        same_name = BusinessCalendar.objects.filter(name=name)
        if calendar is not None:
            same_name = same_name.exclude(pk=calendar.pk)
        if same_name.exists():
            errors["name"] = _("Another calendar has this name.")
    time_zone = str(values.get("time_zone", ""))
    if time_zone not in available_timezones():
        errors["time_zone"] = _("Choose a time zone from the list (such as Europe/Berlin).")
    week = values.get("weekly_hours") or []
    holidays = values.get("holidays") or []
    if not all(isinstance(day, date) for day in holidays):
        errors["holidays"] = _("Holidays are dates.")
    cleaned_week: tuple[tuple[tuple[int, int], ...], ...] = ()
    try:
        cleaned_week = tuple(tuple((int(s), int(e)) for s, e in sorted(day)) for day in week)
    except (TypeError, ValueError):
        errors["weekly_hours"] = _("These opening hours cannot be used.")
    if not errors:
        try:
            WorkCalendar(time_zone, cleaned_week, frozenset(holidays))
        except CalendarError as exc:
            if exc.code == "closed":
                errors["weekly_hours"] = _("Open on at least one weekday.")
            else:
                errors["weekly_hours"] = calendar_error_message(exc)
    if errors:
        raise ServiceValidationError(errors)
    return {
        "name": name,
        "time_zone": time_zone,
        "weekly_hours": [[list(interval) for interval in day] for day in cleaned_week],
        "holidays": sorted({day.isoformat() for day in holidays}),
    }


@transaction.atomic
def save_calendar(
    *, actor: Actor, values: dict[str, Any], calendar: BusinessCalendar | None = None
) -> BusinessCalendar:
    """Create a business calendar (``calendar`` None) or change one. When policies use it, the
    open tickets' due times are recomputed in the background; a change that would leave one of their targets
    unreachable is refused."""
    cleaned = _clean_calendar(values, calendar)
    if calendar is None:
        calendar = BusinessCalendar.objects.create(**cleaned)
        audit.record(actor, AuditAction.CREATE, calendar)
        return calendar
    changes = audit.diff(calendar, cleaned, frozenset())
    if not changes:
        return calendar
    targets = [p.resolution_hours for p in calendar.policies.all()]
    if not _reachable(targets, calendar.work_calendar()):
        raise ServiceValidationError(
            {"weekly_hours": _("These business hours never add up to a policy's target.")}
        )
    calendar.save()
    audit.record(actor, AuditAction.UPDATE, calendar, changes=changes)
    if targets:
        request_recompute()
    return calendar


@transaction.atomic
def delete_calendar(*, actor: Actor, calendar: BusinessCalendar) -> None:
    """Remove a calendar no policy uses (a policy in use would silently turn 24/7)."""
    in_use = sorted(calendar.policies.values_list("name", flat=True))
    if in_use:
        raise ServiceValidationError(
            {"__all__": _("Policies use these business hours: %(names)s.") % {"names": ", ".join(in_use)}}
        )
    audit.record(actor, AuditAction.DELETE, calendar)
    calendar.delete()


@dataclass(frozen=True)
class BreachCheck:
    due_times_filled: int
    alerted: int  # targets missed now: the assignee and the team lead were told
    recorded_late: int  # targets met late: recorded for the figures
    deferred: bool = False  # a recompute of the due times is pending: nothing checked this time


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
    is logged and skipped; the next run tries it again. While the open tickets' due times are
    being recomputed no breach is recorded (``deferred``): they may still be the old policy's."""
    now = now or timezone.now()
    filled = fill_missing_due_times()
    if recompute_pending():
        return BreachCheck(due_times_filled=filled, alerted=0, recorded_late=0, deferred=True)
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
