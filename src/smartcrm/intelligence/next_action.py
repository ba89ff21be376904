"""The next best action per customer (rules in :mod:`smartcrm.engine.uplift.next_action`), from
the stored scores, the customer's last order and reviews, and the top recommendation.

``next_best_action_for(customer_id)`` is what the customer 360's card shows (loaded by htmx)
and what a workflow action can call. The shop's "top 10% churn risk" line is one index-backed
offset query, cached like the high-value line
(:func:`smartcrm.intelligence.selectors.high_value_threshold`).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone

from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Customer
from smartcrm.engine.uplift.next_action import NextAction, Signals, Thresholds, next_action
from smartcrm.feedback.models import Review
from smartcrm.intelligence.models import CustomerScore
from smartcrm.intelligence.selectors import HIGH_VALUE_CACHE_SECONDS, high_value_threshold, score_of
from smartcrm.recommendations.selectors import customer_recommendations

CHURN_TOP_SHARE = 0.1
CHURN_TOP_CACHE_KEY = "intelligence:churn_top_threshold"
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}


def _compute_churn_top_threshold() -> float | None:
    scored = CustomerScore.objects.filter(churn_risk__isnull=False)
    total = scored.count()
    if total == 0:
        return None
    position = max(0, math.ceil(total * CHURN_TOP_SHARE) - 1)
    values = scored.order_by("-churn_risk").values_list("churn_risk", flat=True)[position : position + 1]
    return next(iter(values), None)


def churn_top_threshold(*, refresh: bool = False) -> float | None:
    """The churn risk at or above which a customer is in the shop's top 10%; ``None`` unscored."""
    if not refresh:
        cached = django_cache.get(CHURN_TOP_CACHE_KEY)
        if cached is not None:
            return None if cached == "" else float(cached)
    threshold = _compute_churn_top_threshold()
    django_cache.set(
        CHURN_TOP_CACHE_KEY, "" if threshold is None else str(threshold), HIGH_VALUE_CACHE_SECONDS
    )
    return threshold


def _currency() -> str:
    code = str(settings.SMARTCRM_CURRENCY).upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


def next_best_action(customer: Customer, score: CustomerScore | None) -> NextAction:
    """For a customer already loaded with its scores."""
    if score is None:
        return next_action(Signals(scored=False), Thresholds(churn_top=None, clv_high=None))
    high_value = high_value_threshold()
    thresholds = Thresholds(
        churn_top=churn_top_threshold(), clv_high=float(high_value) if high_value is not None else None
    )
    days = reviewed = None
    if customer.last_order_at is not None:
        days = max(0, (timezone.now() - customer.last_order_at).days)
        reviewed = Review.objects.filter(customer=customer, created_at__gte=customer.last_order_at).exists()
    product = reason = None
    if score.propensity_30d is not None and score.propensity_30d >= thresholds.propensity_min:
        top = customer_recommendations(customer.pk, limit=1)
        if top:
            product, reason = top[0].product.name, top[0].reason
    signals = Signals(
        scored=True,
        churn_risk=score.churn_risk,
        clv_12m=float(score.clv_12m) if score.clv_12m is not None else None,
        propensity_30d=score.propensity_30d,
        recommended_product=product,
        recommendation_reason=reason,
        days_since_last_order=days,
        reviewed_since_last_order=bool(reviewed),
        persuadability=score.persuadability,
    )
    return next_action(signals, thresholds, currency=_currency())


def next_best_action_for(customer_id: int) -> NextAction:
    """The one action to take with this customer now, with its reason (for workflows and the 360)."""
    customer = Customer.objects.select_related("score").filter(pk=customer_id).first()
    if customer is None:
        raise NotFoundError(f"customer {customer_id}")
    return next_best_action(customer, score_of(customer))
