"""Reads for the workflow pages and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from smartcrm.automation.models import RunStatus, Workflow, WorkflowRun
from smartcrm.customers.models import Customer


def workflows() -> QuerySet[Workflow]:
    return Workflow.objects.select_related("current_version").annotate(
        runs_count=Count("runs"),
        failed_count=Count("runs", filter=Q(runs__status=RunStatus.FAILED)),
    )


def runs(workflow_id: int | None = None, status: str | None = None) -> QuerySet[WorkflowRun]:
    found = WorkflowRun.objects.select_related("workflow", "version")
    if workflow_id is not None:
        found = found.filter(workflow_id=workflow_id)
    if status:
        found = found.filter(status=status)
    return found


def run_with_log(run_id: int) -> WorkflowRun:
    return (
        WorkflowRun.objects.select_related("workflow", "version")
        .prefetch_related("steps", "outbox")
        .get(pk=run_id)
    )


def sample_customers(limit: int = 5) -> list[int]:
    """Customers to preview a workflow on: the most recently active ones."""
    return list(Customer.objects.order_by("-last_order_at", "-pk").values_list("pk", flat=True)[:limit])
