"""What a pipeline write sets off, after the commit (see :mod:`smartcrm.core.events`).

- a deal created, or changed (moved to a stage, edited): the workflows it triggers;
- a deal or a lead created: routed by the teams' assignment rules.
"""

from __future__ import annotations

from smartcrm.core.events import announce
from smartcrm.pipeline.models import Deal, Lead


def deal_created(deal: Deal) -> None:
    announce(deal, "smartcrm.teams.events.deal_created", "smartcrm.automation.events.deal_created")


def deal_changed(deal: Deal) -> None:
    announce(deal, "smartcrm.automation.events.deal_changed", "smartcrm.collaboration.events.deal_changed")


def lead_created(lead: Lead) -> None:
    announce(lead, "smartcrm.teams.events.lead_created")
