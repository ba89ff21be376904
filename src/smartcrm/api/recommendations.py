"""Recommendations: a customer's top-N with reasons, a product's similar and bought-together
products, and the market-basket rules. Reads only: ``smartcrm recommend`` (or its nightly task)
writes them."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs
from smartcrm.api.errors import ONE_ERRORS, READ_ERRORS
from smartcrm.api.schemas import Id, PageMeta, PageQuery, Text100, page_response
from smartcrm.core.pagination import paginate
from smartcrm.intelligence.wording import worded
from smartcrm.recommendations import selectors
from smartcrm.recommendations.models import ProductPair

customers_router = Router(tags=["recommendations"])
products_router = Router(tags=["recommendations"])
rules_router = Router(tags=["recommendations"])


class RecommendedProductRef(Schema):
    id: int
    sku: str
    name: str
    category: str | None = Field(description="Category name")


class CustomerRecommendationOut(Schema):
    rank: int = Field(description="1 = best")
    product: RecommendedProductRef
    score: float
    reason: str = Field(
        description="Why, in the request's language (Accept-Language), e.g. "
        '"bought with X", "customers like you", "you buy this every ~30 days"'
    )
    reason_code: Literal["repurchase", "bought_with", "like_you", "popular_in", "popular"] = Field(
        description="Why, as a code to match on: repurchase (days), bought_with (product), like_you, "
        "popular_in (category), popular"
    )
    reason_params: dict[str, str | int] = Field(
        description='The code\'s values: {"days": 30}, {"product": "Brass Gear"}, {"category": "Books"}, {}'
    )
    source: Literal["repurchase", "collaborative", "popular"]
    model_version: int | None = Field(
        description="Registry version of the recommendations model; null = fallback"
    )


class CustomerRecommendationsOut(Schema):
    customer_id: int
    items: list[CustomerRecommendationOut]


class ProductPairOut(Schema):
    rank: int
    product: RecommendedProductRef
    score: float = Field(description="Similar: co-purchase cosine; together: lift")
    baskets: int = Field(description="Similar: customers who bought both; together: baskets holding both")
    confidence: float | None = Field(
        description="Together: share of this product's baskets holding the other"
    )


class SimilarProductsOut(Schema):
    product_id: int
    similar: list[ProductPairOut]
    bought_together: list[ProductPairOut]


class BasketRuleOut(Schema):
    id: int
    level: Literal["product", "category"]
    antecedent: list[Any] = Field(description="Product ids or category slugs")
    consequent: list[Any]
    antecedent_label: str
    consequent_label: str
    support: float = Field(description="Share of baskets holding both sides")
    confidence: float = Field(description="Share of baskets with the antecedent that hold the consequent")
    lift: float = Field(description="Confidence over the consequent's own share; > 1 = bought together")
    conviction: float | None = Field(description="Null when the confidence is 1")
    baskets: int


class BasketRulePage(PageMeta):
    items: list[BasketRuleOut]


class BasketRuleQuery(PageQuery):
    level: Literal["product", "category"] = "product"
    min_lift: float | None = Field(None, ge=0)
    min_support: float | None = Field(None, ge=0, le=1)
    min_confidence: float | None = Field(None, ge=0, le=1)
    search: Text100 | None = Field(None, description="Text in either side's label")


def _product(product: Any) -> dict[str, Any]:
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "category": product.category.name if product.category else None,
    }


def _pair(pair: ProductPair) -> dict[str, Any]:
    return {
        "rank": pair.rank,
        "product": _product(pair.other),
        "score": pair.score,
        "baskets": pair.baskets,
        "confidence": pair.confidence,
    }


@customers_router.get(
    "/{customer_id}/recommendations",
    response={200: CustomerRecommendationsOut, **ONE_ERRORS},
    summary="Get a customer's recommended products",
)
@needs(Capability.VIEW_CUSTOMERS)
def get_customer_recommendations(request: HttpRequest, customer_id: Id) -> dict[str, Any]:
    """The stored top-10 with reasons; a customer with none gets the most popular products."""
    recs = selectors.customer_recommendations(customer_id)
    return {
        "customer_id": customer_id,
        "items": [
            {
                "rank": r.rank,
                "product": _product(r.product),
                "score": r.score,
                "reason": worded(r.reason),
                "reason_code": r.reason_code,
                "reason_params": r.reason_params,
                "source": r.source,
                "model_version": r.model_version,
            }
            for r in recs
        ],
    }


@products_router.get(
    "/{product_id}/similar",
    response={200: SimilarProductsOut, **ONE_ERRORS},
    summary="Similar and bought-together products",
)
@needs(Capability.VIEW_ORDERS)
def get_similar_products(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    found = selectors.product_recommendations(product_id)
    return {
        "product_id": product_id,
        "similar": [_pair(p) for p in found.similar],
        "bought_together": [_pair(p) for p in found.together],
    }


@rules_router.get("", response={200: BasketRulePage, **READ_ERRORS}, summary="List market-basket rules")
@needs(Capability.VIEW_ORDERS)
def list_basket_rules(request: HttpRequest, query: Query[BasketRuleQuery]) -> dict[str, Any]:
    """Rules of one level (products or categories), strongest lift first, filtered by minimums."""
    rules = selectors.basket_rules(
        level=query.level,
        min_lift=query.min_lift,
        min_support=query.min_support,
        min_confidence=query.min_confidence,
        contains=query.search,
    )
    return page_response(paginate(rules, number=query.page, size=query.page_size))
