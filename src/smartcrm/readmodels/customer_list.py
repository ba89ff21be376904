"""The searchable customer list, joined with each customer's scores, written for a million rows."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils import timezone

from smartcrm.core.pagination import Page, paginate
from smartcrm.core.pii import hash_for_lookup, normalise_email, normalise_phone
from smartcrm.customers.models import Customer, Note
from smartcrm.engine.text_search import search_terms
from smartcrm.intelligence.selectors import high_value_threshold

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "name": ("name", "id"),
    "newest": ("-created_at", "-id"),
    "recent_order": (F("last_order_at").desc(nulls_last=True), "id"),
    "top_spend": ("-total_spent", "id"),
    "most_orders": ("-orders_count", "id"),
    # Score sorts list scored customers only (see filter_customers): without NULLs the order
    # matches the descending indexes on CustomerScore, so a page is an index walk.
    "top_clv": ("-score__clv_12m", "id"),
    "churn_risk": ("-score__churn_risk", "id"),
    "category_propensity": ("-score__next_category_propensity", "id"),
}
SCORE_SORTS = {
    "top_clv": "score__clv_12m",
    "churn_risk": "score__churn_risk",
    "category_propensity": "score__next_category_propensity",
}
# The list never loads encrypted columns: it does not need them and decrypting costs time.
LIST_COLUMNS = (
    "id",
    "kind",
    "name",
    "company_name",
    "city",
    "country",
    "source",
    "created_at",
    "orders_count",
    "total_spent",
    "last_order_at",
    "language",
)
# The scores shown beside each row, joined (LEFT JOIN: customers without scores still list).
LIST_SCORE_COLUMNS = ("score__segment", "score__clv_12m", "score__churn_risk")


@dataclass(frozen=True)
class CustomerFilters:
    search: str = ""
    source: str = ""
    country: str = ""
    kind: str = ""
    tag: str = ""
    min_spent: Decimal | None = None
    active_within_days: int | None = None
    lapsed_for_days: int | None = None
    created_after: datetime | None = None
    sort: str = "recent_order"
    # Scores (CustomerScore); each filter keeps scored customers only.
    segment: str = ""
    churn_risk_min: float | None = None
    high_value: bool = False
    next_category: str = ""  # category slug: customers whose most likely next category it is
    # An exact email or phone number finds its customer only for a caller who may see contact
    # details (view_pii): for anyone else a hit would confirm whose address it is.
    contact_search: bool = False

    def as_json(self) -> dict[str, Any]:
        """The filters as JSON values (a bulk run keeps the selection it was started on)."""
        out: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, datetime):
                value = value.isoformat()
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerFilters:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("min_spent") is not None:
            values["min_spent"] = Decimal(str(values["min_spent"]))
        if values.get("created_after") is not None:
            values["created_after"] = datetime.fromisoformat(str(values["created_after"]))
        return cls(**values)


CONTACT_LIKE = re.compile(r"@|\d{3}")


def _search(queryset: QuerySet[Customer], text: str, *, contacts: bool) -> QuerySet[Customer]:
    text = text.strip()
    if not text:
        return queryset
    if not contacts:
        return _words(queryset, text)
    if "@" in text:
        return queryset.filter(email_hash=hash_for_lookup(normalise_email(text)))
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 6 and digits >= len(text.replace(" ", "")) - 4:
        try:
            return queryset.filter(phone_hash=hash_for_lookup(normalise_phone(text)))
        except ValueError:
            pass
    return _words(queryset, text)


def _words(queryset: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Every word of the query (Chinese cut into words) in the name, company, city, external ids
    or a Chinese name's pinyin (search_text, trigram-indexed on PostgreSQL), or in a note. A
    word that looks like a contact detail is not looked for in notes: a hit would confirm it
    to a role that may not see it."""
    for term in search_terms(text):
        in_notes = not CONTACT_LIKE.search(term)
        few = _few_matches(term, in_notes=in_notes)
        if few is not None:
            queryset = queryset.filter(pk__in=few)
            continue
        match = Q(search_text__contains=term)
        if in_notes:
            match |= Q(pk__in=Note.objects.filter(body__icontains=term).values("customer_id"))
        queryset = queryset.filter(match)
    return queryset


# A term matching at most this many customers is looked up by its ids (see _few_matches).
FEW_MATCHES = 2000


def _few_matches(term: str, *, in_notes: bool) -> set[int] | None:
    """The ids of the customers ``term`` finds, if there are at most FEW_MATCHES; else None.

    With ``search_text LIKE … OR id IN (notes)`` PostgreSQL cannot use the trigram index and
    walks the list's sort index until it has a page: quick for a common name (its matches are
    everywhere), but for a rare one at a million customers it read ~170,000 rows (0.4–0.8 s,
    bench/README.md "Web tier"). So a term of three characters or more (the trigram index's
    minimum) first asks the index for at most FEW_MATCHES + 1 ids; when that is all of them, the
    page is those ids, sorted. A common term falls back to the walk.
    """
    if len(term) < 3:
        return None
    found = set(
        Customer.objects.filter(search_text__contains=term)
        .order_by()
        .values_list("pk", flat=True)[: FEW_MATCHES + 1]
    )
    if in_notes and len(found) <= FEW_MATCHES:
        found |= set(
            Note.objects.filter(body__icontains=term)
            .order_by()
            .values_list("customer_id", flat=True)[: FEW_MATCHES + 1]
        )
    return found if len(found) <= FEW_MATCHES else None


def filter_customers(filters: CustomerFilters) -> QuerySet[Customer]:
    """One query for one page, scores joined; score filters use CustomerScore's indexes."""
    queryset = Customer.objects.select_related("score").only(*LIST_COLUMNS, *LIST_SCORE_COLUMNS)
    queryset = _search(queryset, filters.search, contacts=filters.contact_search)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.tag:
        queryset = queryset.filter(tags__name=filters.tag.lower())
    if filters.min_spent is not None:
        queryset = queryset.filter(total_spent__gte=filters.min_spent)
    now = timezone.now()
    if filters.active_within_days is not None:
        queryset = queryset.filter(last_order_at__gte=now - timedelta(days=filters.active_within_days))
    if filters.lapsed_for_days is not None:
        queryset = queryset.filter(last_order_at__lt=now - timedelta(days=filters.lapsed_for_days))
    if filters.created_after is not None:
        queryset = queryset.filter(created_at__gte=filters.created_after)
    if filters.segment:
        queryset = queryset.filter(score__segment=filters.segment)
    if filters.churn_risk_min is not None:
        queryset = queryset.filter(score__churn_risk__gte=filters.churn_risk_min)
    if filters.next_category:
        queryset = queryset.filter(score__next_category=filters.next_category)
    if filters.high_value:
        threshold = high_value_threshold()
        # No scores yet: nobody is high value.
        queryset = (
            queryset.filter(score__clv_12m__gte=threshold) if threshold is not None else queryset.none()
        )
    if filters.sort in SCORE_SORTS:
        queryset = queryset.filter(**{f"{SCORE_SORTS[filters.sort]}__isnull": False})
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["recent_order"]))


def customer_page(filters: CustomerFilters, *, page: int = 1, size: int = 50) -> Page[Customer]:
    return paginate(filter_customers(filters), number=page, size=size)
