"""Reads for de-duplication: customers as a matching frame, the review queue, merge history."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.customers.models import Customer
from smartcrm.dedup.models import DedupRun, DuplicatePair, Merge, PairState

FRAME_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "street_address",
    "city",
    "postal_code",
    "country",
)
BATCH = 20_000
CANDIDATE_LIMIT = 200


def customer_frame(
    customers: Iterable[int] | QuerySet[Any] | None = None, progress: Callable[[int], None] | None = None
) -> pd.DataFrame:
    """The matching columns of customers (all, the given ids, or the ids a query selects), PII
    decrypted in memory only.

    Read in batches by id so memory holds one batch of model rows at a time; the frame itself
    keeps plain strings.
    """
    columns: dict[str, list[object]] = {c: [] for c in FRAME_COLUMNS}
    for rows in customer_rows(customers):
        for name, values in zip(FRAME_COLUMNS, zip(*rows, strict=True), strict=True):
            columns[name].extend(values)
        if progress:
            progress(len(rows))
    return pd.DataFrame(columns)


def customer_rows(customers: Iterable[int] | QuerySet[Any] | None = None) -> Iterator[list[tuple[Any, ...]]]:
    """The matching columns of customers in batches of ``BATCH`` rows by id (``customer_frame``)."""
    queryset = Customer.objects.order_by("pk")
    if customers is not None:
        queryset = queryset.filter(pk__in=customers if isinstance(customers, QuerySet) else list(customers))
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).values_list(*FRAME_COLUMNS)[:BATCH])
        if not rows:
            return
        yield rows
        last = int(rows[-1][0])


def match_candidates(customer: Customer) -> list[int]:
    """Ids of customers worth comparing with one customer, through indexed lookups only: the same
    email or phone (lookup hashes), the same display name, or a surname found in the search text
    (the pg_trgm index on PostgreSQL) with the same initial, or in the same postcode."""
    q = Q(pk__in=[])
    if customer.email_hash:
        q |= Q(email_hash=customer.email_hash)
    if customer.phone_hash:
        q |= Q(phone_hash=customer.phone_hash)
    if customer.name:
        q |= Q(name=customer.name)
    for first, last in ((customer.first_name, customer.last_name), (customer.last_name, customer.first_name)):
        if len(last) >= 2 and first:
            q |= Q(search_text__contains=last.lower(), first_name__istartswith=first[:1])
            if customer.postal_code:
                q |= Q(search_text__contains=last.lower(), postal_code=customer.postal_code)
    ids = Customer.objects.filter(q).exclude(pk=customer.pk).order_by("-pk").values_list("pk", flat=True)
    return list(ids[:CANDIDATE_LIMIT])


@dataclass(frozen=True)
class PairView:
    pair: DuplicatePair
    left: Customer | None
    right: Customer | None


def review_queue(*, page: int = 1, size: int = 20, state: str = PairState.PENDING) -> Page[PairView]:
    """Pairs in one state, most likely duplicates first, with both customers (two queries)."""
    found = paginate(
        DuplicatePair.objects.filter(state=state).order_by("-probability", "pk"), number=page, size=size
    )
    return Page(
        items=_with_customers(found.items), number=found.number, size=found.size, has_next=found.has_next
    )


def _with_customers(pairs: list[DuplicatePair]) -> list[PairView]:
    ids = {p.left_id for p in pairs} | {p.right_id for p in pairs}
    customers = Customer.objects.in_bulk(list(ids))
    return [PairView(p, customers.get(p.left_id), customers.get(p.right_id)) for p in pairs]


def get_pair(pair_id: int) -> DuplicatePair:
    try:
        return DuplicatePair.objects.get(pk=pair_id)
    except DuplicatePair.DoesNotExist as exc:
        raise NotFoundError(f"duplicate pair {pair_id}") from exc


def pair_view(pair_id: int) -> PairView:
    return _with_customers([get_pair(pair_id)])[0]


def merge_history(*, page: int = 1, size: int = 20) -> Page[Merge]:
    return paginate(
        Merge.objects.select_related("actor").order_by("-created_at", "-pk"), number=page, size=size
    )


def get_merge(merge_id: int) -> Merge:
    try:
        return Merge.objects.get(pk=merge_id)
    except Merge.DoesNotExist as exc:
        raise NotFoundError(f"merge {merge_id}") from exc


def get_run(run_id: int) -> DedupRun:
    try:
        return DedupRun.objects.get(pk=run_id)
    except DedupRun.DoesNotExist as exc:
        raise NotFoundError(f"de-duplication run {run_id}") from exc


def latest_run() -> DedupRun | None:
    return DedupRun.objects.order_by("-started_at", "-pk").first()


def pending_count() -> int:
    return DuplicatePair.objects.filter(state=PairState.PENDING).count()
