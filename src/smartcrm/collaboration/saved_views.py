"""Saved views: writes and reads. A view keeps the list's query-string filters (only the fields
that list offers, as text) and the columns to show; it is the owner's, or shared with a team
(every member sees it; only the owner changes it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.collaboration import columns as list_columns
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.teams.models import Team

# The filters each list offers (web/forms.py); its columns are in ``columns.py``.
FILTERS: dict[str, tuple[str, ...]] = {
    ListKind.CUSTOMERS: (
        "q", "source", "kind", "country", "tag", "min_spent", "activity", "segment", "churn_min",
        "high_value", "next_category", "sort",
    ),
    ListKind.ORDERS: ("q", "status", "channel", "sort"),
    ListKind.TICKETS: ("q", "status", "priority", "mine", "sla", "created_from", "created_to"),
    ListKind.DEALS: ("stage_id", "owner_id"),
}  # fmt: skip
MAX_VALUE = 200
LIST_CAPABILITY: dict[str, Capability] = {
    ListKind.CUSTOMERS: Capability.VIEW_CUSTOMERS,
    ListKind.ORDERS: Capability.VIEW_ORDERS,
    ListKind.TICKETS: Capability.VIEW_TICKETS,
    ListKind.DEALS: Capability.VIEW_PIPELINE,
}


def _clean(list_kind: str, filters: Any, columns: Any) -> tuple[dict[str, str], list[str]]:
    errors: dict[str, str] = {}
    allowed = FILTERS.get(list_kind, ())
    clean: dict[str, str] = {}
    if not isinstance(filters, dict):
        errors["filters"] = _("Filters are an object of the list's fields.")
    else:
        for name, value in filters.items():
            if name not in allowed:
                errors["filters"] = _("Unknown filter %(name)s; one of: %(choices)s.") % {
                    "name": repr(name)[:60], "choices": ", ".join(allowed),
                }  # fmt: skip
            elif value not in ("", None) and len(str(value)) <= MAX_VALUE:
                clean[name] = str(value)
    chosen: list[str] = []
    if not isinstance(columns, list):
        errors["columns"] = _("Columns are a list of: %(choices)s.") % {
            "choices": ", ".join(list_columns.keys(list_kind))
        }
    else:
        try:
            chosen = list_columns.check(list_kind, columns)
        except ServiceValidationError as exc:
            errors |= exc.errors
    if errors:
        raise ServiceValidationError(errors)
    return clean, chosen


@transaction.atomic
def save_view(
    *,
    owner: User,
    list_kind: str,
    name: str,
    filters: dict[str, Any],
    columns: list[str] | None = None,
    team: Team | None = None,
    view: SavedView | None = None,
) -> SavedView:
    """Create a view, or change ``view`` (its owner only)."""
    name = name.strip()
    if list_kind not in ListKind.values:
        raise ServiceValidationError(
            {"list_kind": _("Must be one of: %(choices)s.") % {"choices": ", ".join(ListKind.values)}}
        )
    if not name or len(name) > 100:
        raise ServiceValidationError({"name": _("A view needs a name of at most 100 characters.")})
    if team is not None and not owner.is_superuser and not team.members.filter(pk=owner.pk).exists():
        raise ServiceValidationError({"team": _("You can share a view only with a team you are in.")})
    clean, shown = _clean(list_kind, filters, columns or [])
    taken = SavedView.objects.filter(owner=owner, list_kind=list_kind, name__iexact=name)
    if view is not None:
        taken = taken.exclude(pk=view.pk)
    if taken.exists():
        raise ServiceValidationError({"name": _("You have a view with this name already.")})
    values = {"list_kind": list_kind, "name": name, "filters": clean, "columns": shown, "team": team}
    if view is None:
        view = SavedView.objects.create(owner=owner, **values)
        audit.record(
            owner, AuditAction.CREATE, view, changes={"name": name, "team": team.pk if team else None}
        )
        return view
    changes = audit.diff(view, values, frozenset())
    if changes:
        view.save()
        audit.record(owner, AuditAction.UPDATE, view, changes={k: str(v) for k, v in changes.items()})
    return view


@transaction.atomic
def move_column(*, actor: User, view: SavedView, column: str, direction: str) -> list[str]:
    """Move one of the view's columns a place up or down (its owner only: the caller passes
    ``get_own_view``'s view); the order is stored, so everyone the view is shared with sees the
    list in it. A view that chose no columns starts from the list's default ones."""
    order = list_columns.moved(view.list_kind, view.columns, column, direction)
    if order != view.columns:
        before = list(view.columns)
        view.columns = order
        view.save(update_fields=["columns", "updated_at"])
        audit.record(actor, AuditAction.UPDATE, view, changes={"columns": {"from": before, "to": order}})
    return order


@transaction.atomic
def delete_view(*, actor: User, view: SavedView) -> None:
    audit.record(actor, AuditAction.DELETE, view, changes={"name": view.name})
    view.delete()


def visible_views(user: User, list_kind: str | None = None) -> QuerySet[SavedView]:
    """The user's own views and those shared with a team they are in, of the lists their role
    may read."""
    readable = [kind for kind, capability in LIST_CAPABILITY.items() if user.can(capability)]
    views = SavedView.objects.filter(Q(owner=user) | Q(team__memberships__user=user), list_kind__in=readable)
    views = views.distinct()
    if list_kind:
        views = views.filter(list_kind=list_kind)
    return views.select_related("owner", "team").order_by("list_kind", "name", "id")


def get_visible_view(user: User, view_id: int) -> SavedView:
    view = visible_views(user).filter(pk=view_id).first()
    if view is None:
        raise NotFoundError(f"saved view {view_id}")
    return view


def get_own_view(user: User, view_id: int) -> SavedView:
    view = SavedView.objects.filter(pk=view_id, owner=user).select_related("team").first()
    if view is None:
        raise NotFoundError(f"saved view {view_id}")
    return view


def capability_of_list(list_kind: str) -> Capability:
    """What a role needs to save or open a view of this list (NotFoundError for no such list)."""
    if list_kind not in LIST_CAPABILITY:
        raise NotFoundError(f"list {list_kind}")
    return LIST_CAPABILITY[list_kind]


LIST_URLS: dict[str, str] = {
    ListKind.CUSTOMERS: "web:customer_list",
    ListKind.ORDERS: "web:order_list",
    ListKind.TICKETS: "web:ticket_inbox",
    ListKind.DEALS: "web:pipeline",
}


def list_url(view: SavedView) -> str:
    """The list in the web UI with the view's filters and columns."""
    query = urlencode([*view.filters.items(), *(("columns", c) for c in view.columns)])
    return reverse(LIST_URLS[view.list_kind]) + (f"?{query}" if query else "")
