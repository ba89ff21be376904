"""Which customers a bulk run acts on: its explicit ids, or its saved view's matches (the
customer list's filters, applied as campaign audiences apply them)."""

from __future__ import annotations

from django.db.models import QuerySet

from smartcrm.bulk.models import BulkRun
from smartcrm.campaigns.audience import apply_filter, view_filter
from smartcrm.customers.models import Customer


def customers_of(run: BulkRun) -> QuerySet[Customer]:
    if run.view_id is not None and run.view is not None:
        return apply_filter(Customer.objects.filter(erased_at__isnull=True), view_filter(run.view)).distinct()
    return Customer.objects.filter(pk__in=run.customer_ids, erased_at__isnull=True)
