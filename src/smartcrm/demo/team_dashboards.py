"""What the team dashboards need in the demo: SLA policies (so the generated tickets have due
times and some missed them), a few breached tickets assigned to the support login (so its
notifications show the alerts), and monthly sales targets near what the shop wins."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.pipeline.models import Deal, SalesTarget
from smartcrm.pipeline.services import set_sales_target
from smartcrm.support.models import SLAPolicy, Ticket
from smartcrm.support.selectors import OPEN_STATUSES
from smartcrm.support.sla import check_breaches, save_policy

# name, priority, first response and resolution targets in hours
DEMO_POLICIES = [
    ("Urgent", "urgent", 1, 8),
    ("High", "high", 4, 24),
    ("Normal", "normal", 24, 72),
    ("Low", "low", 48, 120),
]
ASSIGNED_TO_SUPPORT = 5
TARGET_MONTHS = 6
TARGET_STRETCH = Decimal("1.1")  # the target: a tenth above the average month won


def demo_sla_and_targets(out: Any = None) -> None:
    """Once: the policies and targets; every time: the breach check (idempotent)."""
    if not SLAPolicy.objects.exists():
        for name, priority, first, resolution in DEMO_POLICIES:
            values = {
                "name": name,
                "priority": priority,
                "channel": "",
                "first_response_hours": Decimal(first),
                "resolution_hours": Decimal(resolution),
            }
            save_policy(actor="demo", values=values)
    _assign_some_to_support()
    found = check_breaches()
    if out is not None:
        out.write(
            f"SLA check: {found.alerted} open tickets missed a target, "
            f"{found.recorded_late} were answered or solved late.\n"
        )
    if not SalesTarget.objects.exists():
        _sales_targets()


def _assign_some_to_support() -> None:
    """The newest unanswered tickets past their first-reply target go to the support login, so the
    breach check alerts it (its notifications) about tickets of its own."""
    support = User.objects.filter(username=Role.SUPPORT.value).first()
    if support is None or Ticket.objects.filter(assignee=support).exists():
        return
    late = Ticket.objects.filter(
        status__in=OPEN_STATUSES,
        assignee__isnull=True,
        first_response_at__isnull=True,
        first_response_due_at__lt=timezone.now(),
    )
    newest = late.order_by("-created_at")
    Ticket.objects.filter(pk__in=list(newest.values_list("pk", flat=True)[:ASSIGNED_TO_SUPPORT])).update(
        assignee=support
    )


def _sales_targets() -> None:
    today = timezone.localdate()
    since = today - timedelta(days=30 * TARGET_MONTHS)
    won = Deal.objects.filter(stage__is_won=True, closed_at__date__gte=since).aggregate(v=Sum("value"))["v"]
    if not won:
        return
    target = (won / TARGET_MONTHS * TARGET_STRETCH).quantize(Decimal(1000))
    month = today.replace(day=1)
    for _ in range(TARGET_MONTHS):
        set_sales_target(actor="demo", month=month, amount=target)
        month = (month - timedelta(days=1)).replace(day=1)
