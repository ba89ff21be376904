"""Campaigns whose sending worker died: sent on again (every send is exactly once: sending.py)."""

from __future__ import annotations

from datetime import datetime

from smartcrm.campaigns import jobs
from smartcrm.campaigns.models import Campaign, CampaignStatus, SendStatus
from smartcrm.core import heartbeat


def recover_stale(now: datetime) -> int:
    """Send the job again for each sending campaign with sends left whose worker stopped."""
    sending = Campaign.objects.filter(
        status=CampaignStatus.SENDING, sends__status__in=(SendStatus.PENDING, SendStatus.SENDING)
    ).distinct()
    found = 0
    for campaign in sending.only("pk", "worker", "heartbeat_at", "started_at"):
        if not heartbeat.is_stale(campaign.heartbeat_at or campaign.started_at, campaign.worker, now):
            continue
        # Taken by this sweep: a second sweeper reading the same beat updates nothing.
        if Campaign.objects.filter(pk=campaign.pk, heartbeat_at=campaign.heartbeat_at).update(
            heartbeat_at=now, worker=""
        ):
            jobs.send_campaign.send(campaign.pk)
            found += 1
    return found
