"""Reads for the workflow pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartcrm.automation import actions, rules
from smartcrm.automation.context import customer_values
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


@dataclass(frozen=True)
class StepLine:
    """One line of the step list: its depth, its text, and (in a preview) whether it would run."""

    depth: int
    text: str
    runs: bool | None = None


UNIT_WORDS = {
    "days": gettext_lazy("days"),
    "hours": gettext_lazy("hours"),
    "minutes": gettext_lazy("minutes"),
}


def step_lines(
    steps: list[dict[str, Any]], values: dict[str, Any] | None = None, depth: int = 0
) -> list[StepLine]:
    """The steps as the editor lists them; with ``values`` (a sample record), which would run."""
    lines: list[StepLine] = []
    for step in steps:
        if "if" in step:
            holds = rules.holds(step["if"], values) if values is not None else None
            lines.append(StepLine(depth, _("If %(rule)s") % {"rule": rules.sentence(step["if"])}, holds))
            lines += step_lines(step.get("then", []), values if holds is not False else None, depth + 1)
            if step.get("else"):
                lines.append(StepLine(depth, _("Otherwise"), None if holds is None else not holds))
                lines += step_lines(step["else"], values if holds is not True else None, depth + 1)
        elif "wait" in step:
            parts = [f"{step['wait'][u]} {UNIT_WORDS[u]}" for u in UNIT_WORDS if step["wait"].get(u)]
            waiting = _("Wait %(duration)s") % {"duration": ", ".join(parts)}
            lines.append(StepLine(depth, waiting, values is not None or None))
        else:
            lines.append(StepLine(depth, actions.describe(step), values is not None or None))
    return lines


@dataclass(frozen=True)
class PreviewRow:
    customer_id: int
    label: str
    holds: bool
    lines: list[StepLine]


def preview(
    conditions: dict[str, Any], steps: list[dict[str, Any]], customer_ids: list[int]
) -> list[PreviewRow]:
    """What the workflow would do for each sample customer (nothing is written)."""
    rows = []
    for customer_id in customer_ids:
        values = customer_values(customer_id)
        holds = rules.holds(conditions, values)
        segment = values.get("score.segment") or "no segment"
        rows.append(
            PreviewRow(
                customer_id,
                f"Customer {customer_id} · {values.get('customer.country') or '—'} · {segment}",
                holds,
                step_lines(steps, values) if holds else [],
            )
        )
    return rows
