"""The campaigns' Celery tasks: send a campaign; start the scheduled ones that are due."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task

from . import sending, services


@smartcrm_task(name="smartcrm.campaigns.send_campaign")
def send_campaign(self: Task, campaign_id: int) -> int:
    """Send the campaign's waiting emails, each once; returns how many were sent."""
    return sending.send_pending(campaign_id).sent


@smartcrm_task(name="smartcrm.campaigns.start_due")
def start_due(self: Task) -> int:
    """Start the scheduled campaigns whose time has come (beat, every minute)."""
    return len(services.start_due_campaigns())
