"""Which customers a bulk run acts on: its explicit ids, its saved view's matches (the customer
list's filters, applied as campaign audiences apply them), or everyone the customer list's
filters matched when it was started ("select all matching", search included)."""

from __future__ import annotations

from django.db.models import QuerySet

from smartcrm.bulk.models import BulkRun
from smartcrm.campaigns.audience import apply_filter, view_filter
from smartcrm.customers.models import Customer
from smartcrm.readmodels.customer_list import CustomerFilters, filter_customers


def customers_of(run: BulkRun) -> QuerySet[Customer]:
    if run.view_id is not None and run.view is not None:
        return apply_filter(Customer.objects.filter(erased_at__isnull=True), view_filter(run.view)).distinct()
    if run.filters:
        matching = filter_customers(CustomerFilters.from_json(run.filters)).values("pk")
        return Customer.objects.filter(pk__in=matching, erased_at__isnull=True)
    return Customer.objects.filter(pk__in=run.customer_ids, erased_at__isnull=True)
