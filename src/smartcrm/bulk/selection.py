"""Which customers a bulk run acts on: its explicit ids, its saved view's matches (the customer
list's filters, applied as campaign audiences apply them), or everyone the customer list's
filters matched when it was started ("select all matching", search included).

A view or filters are resolved here, on the worker, when the run starts — never as a list of ids
in the request — and read in keyset chunks (:func:`id_chunks`), so a selection of a million
customers is never held in memory. What the actor may see is checked again at that time
(:func:`refusal`): a role changed, a view no longer shared or a contact-details search by someone
who may no longer view them ends the run instead of acting on rows they could not list."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from smartcrm.accounts.masking import may_view_pii
from smartcrm.accounts.roles import Capability
from smartcrm.bulk.models import BulkRun
from smartcrm.campaigns.audience import apply_filter, view_filter
from smartcrm.collaboration.saved_views import visible_views
from smartcrm.customers.models import Customer
from smartcrm.readmodels.customer_list import CustomerFilters, filter_customers


def customers_of(run: BulkRun) -> QuerySet[Customer]:
    if run.view_id is not None and run.view is not None:
        return apply_filter(Customer.objects.filter(erased_at__isnull=True), view_filter(run.view)).distinct()
    if run.filters:
        filters = CustomerFilters.from_json(run.filters)
        if filters.contact_search and not may_view_pii(run.actor):
            # an exact email or phone finds its customer only for someone who may see contacts
            filters = CustomerFilters.from_json({**run.filters, "contact_search": False})
        return matching_customers(filters)
    return Customer.objects.filter(pk__in=run.customer_ids, erased_at__isnull=True)


def matching_customers(filters: CustomerFilters) -> QuerySet[Customer]:
    """Everyone the customer list's ``filters`` match, on every page (erased customers left out):
    what "select all matching" acts on, and the count the list's banner offers."""
    matching = filter_customers(filters).values("pk")
    return Customer.objects.filter(pk__in=matching, erased_at__isnull=True)


def refusal(run: BulkRun, needs: Capability) -> str | None:
    """Why the run's actor may not (or no longer) act on its selection, or None. The reason is
    stored untranslated (the worker has no reader) and translated when shown."""
    actor = run.actor
    if actor is None or not actor.is_active:
        return gettext_noop("The person who started it no longer has an account.")
    if not actor.can(needs):
        return gettext_noop("Your role may no longer do this.")
    if run.view_id is not None and not visible_views(actor).filter(pk=run.view_id).exists():
        return gettext_noop("The saved view is no longer yours or shared with your team.")
    return None


def id_chunks(selection: QuerySet[Customer], size: int) -> Iterator[list[int]]:
    """The selection's ids in ascending chunks of ``size``, each read when it is needed (keyset
    paging on the primary key: a chunk costs the same at the millionth row as at the first)."""
    last = 0
    while True:
        ids = list(selection.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]
