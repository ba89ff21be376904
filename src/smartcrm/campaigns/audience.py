"""Who a campaign reaches: a segment's customers or a saved customer-list filter, with email
consent granted, an address, and no suppression — optionally only its most persuadable share
(by the stored uplift score, ``CustomerScore.persuadability``).

A saved filter is the customer list's query string as a dict (``{"country": "CN", "activity":
"lapsed_90", "segment": "at_risk"}``); campaigns sit below the read models, so the fields the
list offers are applied here again, with the same meaning.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.customers.models import Channel, Consent, ConsentStatus, Customer
from smartcrm.intelligence.selectors import high_value_threshold

from .models import Campaign, Suppression

FILTER_FIELDS = (
    "source",
    "kind",
    "country",
    "tag",
    "min_spent",
    "activity",
    "segment",
    "churn_min",
    "high_value",
    "next_category",
)
ACTIVITY = re.compile(r"^(active|lapsed)_(\d{1,4})$")


def filter_errors(saved: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in saved.items():
        if name not in FILTER_FIELDS:
            errors["saved_filter"] = f"Unknown filter {name!r}; one of: {', '.join(FILTER_FIELDS)}."
        elif name == "activity" and not ACTIVITY.match(str(value)):
            errors["saved_filter"] = "activity is active_<days> or lapsed_<days>."
        elif name in ("min_spent", "churn_min"):
            try:
                Decimal(str(value))
            except InvalidOperation:
                errors["saved_filter"] = f"{name} must be a number."
    return errors


def apply_filter(queryset: QuerySet[Customer], saved: dict[str, Any]) -> QuerySet[Customer]:
    """The customer list's filters (readmodels.customer_list) on ``queryset``."""
    for name in ("source", "kind", "country"):
        if saved.get(name):
            value = str(saved[name])
            queryset = queryset.filter(**{name: value.upper() if name == "country" else value})
    if saved.get("tag"):
        queryset = queryset.filter(tags__name=str(saved["tag"]).lower())
    if saved.get("min_spent") not in (None, ""):
        queryset = queryset.filter(total_spent__gte=Decimal(str(saved["min_spent"])))
    match = ACTIVITY.match(str(saved.get("activity", "")))
    if match:
        since = timezone.now() - timedelta(days=int(match.group(2)))
        field = "last_order_at__gte" if match.group(1) == "active" else "last_order_at__lt"
        queryset = queryset.filter(**{field: since})
    if saved.get("segment"):
        queryset = queryset.filter(score__segment=str(saved["segment"]))
    if saved.get("churn_min") not in (None, ""):
        queryset = queryset.filter(score__churn_risk__gte=float(saved["churn_min"]))
    if saved.get("next_category"):
        queryset = queryset.filter(score__next_category=str(saved["next_category"]))
    if saved.get("high_value"):
        threshold = high_value_threshold()
        queryset = (
            queryset.filter(score__clv_12m__gte=threshold) if threshold is not None else queryset.none()
        )
    return queryset


def reachable(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Customers with an address, email consent granted and not suppressed (as of now)."""
    granted = Consent.objects.filter(
        customer=OuterRef("pk"), channel=Channel.EMAIL, status=ConsentStatus.GRANTED
    )
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    return queryset.exclude(email_hash="").filter(Exists(granted)).exclude(Exists(suppressed))


def audience(
    segment: str, saved_filter: dict[str, Any], persuadable_share: float | None = None
) -> QuerySet[Customer]:
    """The campaign's customers who may be mailed now (none when it names no audience)."""
    if not segment and not saved_filter:
        return Customer.objects.none()
    queryset = Customer.objects.all()
    if segment:
        queryset = queryset.filter(score__segment=segment)
    reached = reachable(apply_filter(queryset, saved_filter)).distinct()
    return most_persuadable(reached, persuadable_share) if persuadable_share else reached


def campaign_audience(campaign: Campaign) -> QuerySet[Customer]:
    return audience(campaign.segment, campaign.saved_filter, campaign.persuadable_share)


def most_persuadable(queryset: QuerySet[Customer], share: float) -> QuerySet[Customer]:
    """The ``share`` of ``queryset`` with the highest persuadability (customers without one are
    never chosen): everyone at or above the persuadability at that rank — a count and one
    offset row on the persuadability index."""
    take = math.ceil(queryset.count() * share)
    if take == 0:
        return queryset.none()
    scored = queryset.filter(score__persuadability__isnull=False)
    line = scored.order_by("-score__persuadability", "pk").values_list("score__persuadability", flat=True)[
        take - 1 : take
    ]
    value = next(iter(line), None)
    return scored if value is None else scored.filter(score__persuadability__gte=value)


def view_filter(view: SavedView) -> dict[str, str]:
    """A saved customer view's filters that select customers (search and sort do not)."""
    return {k: v for k, v in view.filters.items() if k in FILTER_FIELDS}


MAX_VIEWS_CHECKED = 200


def views_containing(customer_id: int) -> list[int]:
    """The ids of the saved customer views (the first 200) that the customer is in: one
    ``EXISTS`` per view, for a workflow's condition on ``customer.saved_views``."""
    views = SavedView.objects.filter(list_kind=ListKind.CUSTOMERS).order_by("pk")[:MAX_VIEWS_CHECKED]
    one = Customer.objects.filter(pk=customer_id)
    return [view.pk for view in views if apply_filter(one, view_filter(view)).exists()]
