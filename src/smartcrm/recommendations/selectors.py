"""Reads of stored recommendations, pairs and rules (each a single query)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from smartcrm.catalog.models import Product
from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Customer
from smartcrm.engine.reasons import Reason
from smartcrm.engine.recs import reasons
from smartcrm.orders.rules import REVENUE_STATUSES
from smartcrm.recommendations.models import (
    BasketRule,
    CustomerRecommendation,
    PairKind,
    ProductPair,
    RuleLevel,
)


@dataclass(frozen=True)
class Recommendation:
    product: Product
    rank: int
    score: float
    reason_code: str  # smartcrm.engine.recs.reasons: worded where it is shown
    reason_params: dict[str, Any]
    source: str
    model_version: int | None

    @property
    def reason(self) -> Reason:
        return reasons.recommendation_reason(self.reason_code, self.reason_params)


@dataclass(frozen=True)
class ProductRecommendations:
    product: Product
    similar: list[ProductPair]
    together: list[ProductPair]


def customer_recommendations(customer_id: int, limit: int = 10) -> list[Recommendation]:
    """The stored top-N; a customer without any (new, or not trained yet) gets the popular items."""
    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFoundError(f"customer {customer_id}")
    stored = list(
        CustomerRecommendation.objects.filter(customer_id=customer_id)
        .select_related("product__category", "model_version")
        .order_by("rank")[:limit]
    )
    if stored:
        return [
            Recommendation(
                product=r.product,
                rank=r.rank,
                score=r.score,
                reason_code=r.reason_code,
                reason_params=dict(r.reason_params or {}),
                source=r.source,
                model_version=r.model_version.version if r.model_version else None,
            )
            for r in stored
        ]
    return [
        Recommendation(
            product=p,
            rank=rank,
            score=0.0,
            reason_code=reasons.POPULAR,
            reason_params={},
            source="popular",
            model_version=None,
        )
        for rank, p in enumerate(popular_products(limit, exclude_customer=customer_id), start=1)
    ]


def popular_products(limit: int = 10, exclude_customer: int | None = None) -> list[Product]:
    """Available products bought by the most customers (the new-customer fallback)."""
    revenue = Q(order_lines__order__status__in=[str(s) for s in REVENUE_STATUSES])
    products = Product.objects.filter(is_active=True, stock__gt=0)
    if exclude_customer is not None:
        products = products.exclude(order_lines__order__customer_id=exclude_customer)
    return list(
        products.annotate(buyers=Count("order_lines__order__customer", filter=revenue, distinct=True))
        .filter(buyers__gt=0)
        .select_related("category")
        .order_by("-buyers", "pk")[:limit]
    )


def product_recommendations(product_id: int, limit: int = 10) -> ProductRecommendations:
    """Similar and frequently-bought-together products of one product (404 if no such product)."""
    product = Product.objects.select_related("category").filter(pk=product_id).first()
    if product is None:
        raise NotFoundError(f"product {product_id}")
    return ProductRecommendations(
        product=product,
        similar=product_pairs(product_id, PairKind.SIMILAR, limit),
        together=product_pairs(product_id, PairKind.TOGETHER, limit),
    )


def product_pairs(product_id: int, kind: PairKind, limit: int = 10) -> list[ProductPair]:
    return list(
        ProductPair.objects.filter(product_id=product_id, kind=kind)
        .select_related("other__category")
        .order_by("rank")[:limit]
    )


def basket_rules(
    *,
    level: str = RuleLevel.PRODUCT,
    min_lift: float | None = None,
    min_support: float | None = None,
    min_confidence: float | None = None,
    contains: str | None = None,
) -> QuerySet[BasketRule]:
    """Rules of one level, strongest lift first, filtered by the given minimums."""
    rules = BasketRule.objects.filter(level=level)
    if min_lift is not None:
        rules = rules.filter(lift__gte=min_lift)
    if min_support is not None:
        rules = rules.filter(support__gte=min_support)
    if min_confidence is not None:
        rules = rules.filter(confidence__gte=min_confidence)
    if contains:
        rules = rules.filter(
            Q(antecedent_label__icontains=contains) | Q(consequent_label__icontains=contains)
        )
    return rules.select_related("model_version").order_by("-lift", "-confidence", "pk")


def rules_summary() -> dict[str, Any]:
    counts = {row["level"]: row["n"] for row in BasketRule.objects.values("level").annotate(n=Count("id"))}
    return {level.value: counts.get(level.value, 0) for level in RuleLevel}
