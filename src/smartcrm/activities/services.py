"""Writes for the timeline and for tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import Activity, Task, TaskStatus
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError


def log_activity(
    *,
    customer: Any,
    kind: str,
    summary: str,
    actor: Actor = None,
    obj: models.Model | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    """Add one entry to a customer's timeline (callers are already inside their transaction)."""
    return Activity.objects.create(
        customer=customer,
        kind=kind,
        summary=summary[:300],
        actor=audit.user_of(actor),
        occurred_at=occurred_at or timezone.now(),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


@transaction.atomic
def create_task(
    *,
    actor: Actor,
    title: str,
    customer: Any = None,
    deal: Any = None,
    assignee: Any = None,
    due_at: datetime | None = None,
) -> Task:
    title = title.strip()
    if not title:
        raise ServiceValidationError({"title": _("A task needs a title.")})
    if len(title) > 200:
        raise ServiceValidationError({"title": _("At most %(n)s characters.") % {"n": 200}})
    task = Task.objects.create(
        title=title,
        customer=customer,
        deal=deal,
        assignee=assignee,
        due_at=due_at,
        created_by=audit.user_of(actor),
    )
    audit.record(actor, AuditAction.CREATE, task)
    return task


@transaction.atomic
def complete_task(*, actor: Actor, task: Task) -> Task:
    if task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        audit.record(actor, AuditAction.COMPLETE, task)
    return task
