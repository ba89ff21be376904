"""Starting a bulk action: checked (the value it needs, the caller's capabilities for it),
recorded, audited, and handed to the background after the commit.

What each action needs of the caller's role: changing customers (tag, owner, team) needs
``edit_customers``; adding them to a campaign ``manage_campaigns``; an export the capability
the exports app asks of the customer list, and it is rate-limited and audited there (contact
details masked without ``view_pii``)."""

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
from smartcrm.core.ratelimit import RateLimited
from smartcrm.exports import services as exports
from smartcrm.readmodels.customer_list import CustomerFilters
from smartcrm.teams.models import Team

MAX_IDS = 10_000  # an explicit selection; larger ones go through a saved view


NEEDS: dict[str, Capability] = {
    BulkAction.TAG: Capability.EDIT_CUSTOMERS,
    BulkAction.ASSIGN_OWNER: Capability.EDIT_CUSTOMERS,
    BulkAction.ASSIGN_TEAM: Capability.EDIT_CUSTOMERS,
    BulkAction.ADD_TO_CAMPAIGN: Capability.MANAGE_CAMPAIGNS,
    BulkAction.EXPORT: exports.export_list("customers").capability,
}


def actions_for(user: User) -> list[tuple[str, str]]:
    """The bulk actions ``user``'s role may start, as (value, label) choices."""
    return [(value, str(label)) for value, label in BulkAction.choices if user.can(NEEDS[value])]


def _value_error(action: str, value: str) -> str | None:
    if action == BulkAction.EXPORT:
        return None
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
    filters: CustomerFilters | None = None,
) -> BulkRun:
    """Exactly one selection: a saved customer view, explicit ids, or the customer list's
    ``filters`` (everyone they match, not just one page)."""
    errors: dict[str, str] = {}
    if action not in BulkAction.values:
        errors["action"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(BulkAction.values)}
    elif not actor.can(NEEDS[action]):
        errors["action"] = _("Your role may not do this: it needs %(capability)s.") % {
            "capability": NEEDS[action].value
        }
    elif (problem := _value_error(action, value)) is not None:
        errors["value"] = problem
    if sum(x is not None for x in (view, customer_ids, filters)) != 1:
        errors["selection"] = _("Choose a saved customer view, some customers or all matching ones.")
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
        value="csv" if action == BulkAction.EXPORT else value.strip(),
        view=view,
        customer_ids=sorted(set(customer_ids or [])),
        filters=filters.as_json() if filters is not None else {},
    )
    if customer_ids is not None:  # a view or filters are resolved and counted on the worker
        run.total = len(run.customer_ids)
        run.save(update_fields=["total"])
    if action == BulkAction.EXPORT:
        try:  # limited and audited now, so a refusal is an answer (it counts the rows)
            exports.check_selection_export(actor, "customers", customers_of(run), run.filters)
        except RateLimited as exc:
            raise ServiceValidationError(
                {
                    "action": _("Too many exports of contact details; try again in %(n)s s.")
                    % {"n": exc.retry_after}
                }
            ) from exc
    audit.record(actor, AuditAction.START, run, changes={"action": action, "total": run.total})
    jobs.run_bulk.on_commit(run.pk)
    return run
