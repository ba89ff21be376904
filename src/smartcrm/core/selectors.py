"""Reads of the audit log: filter by who, which customer, what and when; newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from smartcrm.core.models import AuditEvent
from smartcrm.core.pagination import Page, paginate


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # the username or label, exactly
    customer_id: int | None = None
    action: str = ""
    since: date | None = None  # from the start of this day (the shop's time zone)
    until: date | None = None  # to the end of this day


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(f: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-seq")
    if f.actor:
        events = events.filter(actor_label=f.actor)
    if f.customer_id is not None:
        events = events.filter(object_type="customers.customer", object_id=str(f.customer_id))
    if f.action:
        events = events.filter(action=f.action)
    if f.since:
        events = events.filter(at__gte=_day_start(f.since))
    if f.until:
        events = events.filter(at__lt=_day_start(f.until + timedelta(days=1)))
    return events


def audit_page(f: AuditFilter, *, page: int = 1, size: int = 50) -> Page[AuditEvent]:
    return paginate(audit_events(f), number=page, size=size)
