"""The workflows' background tasks: run a run, send an outbox row, sweep the due times."""

from __future__ import annotations

from celery import Task

from smartcrm.automation import services, view_entries
from smartcrm.core.tasks import smartcrm_task


@smartcrm_task(name="smartcrm.automation.execute_run")
def execute_run(self: Task, run_id: int) -> str:
    """Run WorkflowRun ``run_id`` from its cursor (a run already done is left alone)."""
    return services.execute(run_id)


@smartcrm_task(name="smartcrm.automation.deliver_outbox")
def deliver_outbox(self: Task, outbox_id: int) -> str:
    """Send one outbox row (an email or a webhook call), once."""
    return services.deliver(outbox_id)


@smartcrm_task(name="smartcrm.automation.sweep")
def sweep(self: Task) -> dict[str, int]:
    """Fire due timed triggers, wake waiting runs, resend unsent outbox rows (beat, every minute)."""
    found = services.sweep()
    found["resent"] = services.deliver_pending()
    return found


@smartcrm_task(name="smartcrm.automation.view_entries")
def check_view_entries(self: Task) -> int:
    """Start the "enters a saved view" workflows for the customers who entered a watched view
    since the last pass (beat, every five minutes); returns how many runs were started."""
    return view_entries.check_all()
