"""Starting a bulk action: checked (the value it needs, the caller's capabilities for it),
recorded, audited, and handed to the background after the commit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.bulk import jobs
from smartcrm.bulk.models import BulkAction, BulkRun
from smartcrm.bulk.selection import customers_of
from smartcrm.campaigns.models import Campaign, CampaignStatus
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.teams.models import Team

MAX_IDS = 10_000  # an explicit selection; larger ones go through a saved view


def _value_error(action: str, value: str) -> str | None:
    if action == BulkAction.TAG:
        return None if 0 < len(value.strip()) <= 50 else _("A tag of 1 to 50 characters.")
    if not value.isdigit():
        return _("Choose one.")
    exists = {
        BulkAction.ASSIGN_OWNER: User.objects.filter(pk=int(value), is_active=True),
        BulkAction.ASSIGN_TEAM: Team.objects.filter(pk=int(value)),
        BulkAction.ADD_TO_CAMPAIGN: Campaign.objects.filter(
            pk=int(value), status__in=[CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SENDING]
        ),
    }[BulkAction(action)].exists()
    return None if exists else _("No such one (or a campaign that is over).")


@transaction.atomic
def start_bulk(
    *,
    actor: User,
    action: str,
    value: str,
    view: SavedView | None = None,
    customer_ids: list[int] | None = None,
) -> BulkRun:
    errors: dict[str, str] = {}
    if action not in BulkAction.values:
        errors["action"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(BulkAction.values)}
    elif (problem := _value_error(action, value)) is not None:
        errors["value"] = problem
    if action == BulkAction.ADD_TO_CAMPAIGN and not actor.can(Capability.MANAGE_CAMPAIGNS):
        errors["action"] = _("Your role does not manage campaigns.")
    if (view is None) == (customer_ids is None):
        errors["selection"] = _("Choose a saved customer view or a list of customers.")
    elif view is not None and view.list_kind != ListKind.CUSTOMERS:
        errors["selection"] = _("Bulk actions act on a customer view.")
    elif customer_ids is not None and not 0 < len(customer_ids) <= MAX_IDS:
        errors["selection"] = _("Between 1 and %(n)s customers; use a saved view for more.") % {
            "n": f"{MAX_IDS:,}"
        }
    if errors:
        raise ServiceValidationError(errors)
    run = BulkRun.objects.create(
        actor=actor,
        action=action,
        value=value.strip(),
        view=view,
        customer_ids=sorted(set(customer_ids or [])),
    )
    run.total = customers_of(run).count()
    run.save(update_fields=["total"])
    audit.record(actor, AuditAction.START, run, changes={"action": action, "total": run.total})
    jobs.run_bulk.on_commit(run.pk)
    return run
