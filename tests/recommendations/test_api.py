"""The recommendation endpoints on a trained shop; every response is checked against the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Customer
from smartcrm.recommendations.models import BasketRule, CustomerRecommendation, PairKind, ProductPair
from smartcrm.recommendations.training import TrainingResult
from tests.api.client import ApiClient
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customers_recommendations_with_reasons(
    trained: TrainingResult, api_as: Callable[[Role], ApiClient]
) -> None:
    stored = CustomerRecommendation.objects.order_by("customer_id", "rank").first()
    assert stored is not None
    body = api_as(Role.SALES).get(f"/customers/{stored.customer_id}/recommendations").json()
    assert body["customer_id"] == stored.customer_id
    assert body["items"][0]["product"]["id"] == stored.product_id
    first = body["items"][0]
    assert (first["reason_code"], first["reason_params"]) == (stored.reason_code, stored.reason_params)
    assert first["reason"] == stored.reason.english()
    assert [i["rank"] for i in body["items"]] == list(range(1, len(body["items"]) + 1))
    assert body["items"][0]["model_version"] == trained.versions["recommendations"]


def test_a_new_customer_gets_popular_products_and_unknown_is_404(
    trained: TrainingResult, admin_api: ApiClient
) -> None:
    newcomer = cast(Customer, CustomerFactory())
    body = admin_api.get(f"/customers/{newcomer.pk}/recommendations").json()
    assert body["items"] and {i["source"] for i in body["items"]} == {"popular"}
    assert admin_api.get("/customers/99999999/recommendations").status_code == 404


def test_similar_and_bought_together(trained: TrainingResult, api_as: Callable[[Role], ApiClient]) -> None:
    pair = ProductPair.objects.filter(kind=PairKind.TOGETHER).order_by("product_id", "rank").first()
    assert pair is not None
    body = api_as(Role.ANALYST).get(f"/products/{pair.product_id}/similar").json()
    assert body["bought_together"][0]["product"]["id"] == pair.other_id
    assert body["bought_together"][0]["confidence"] is not None
    assert isinstance(body["similar"], list)
    assert api_as(Role.ANALYST).get("/products/99999999/similar").status_code == 404


def test_basket_rules_filtered_by_lift_and_level(trained: TrainingResult, admin_api: ApiClient) -> None:
    body = admin_api.get("/basket-rules?level=product&min_lift=1.5&page_size=20").json()
    assert body["items"], "the trained shop has product rules"
    assert all(r["lift"] >= 1.5 and r["level"] == "product" for r in body["items"])
    lifts = [r["lift"] for r in body["items"]]
    assert lifts == sorted(lifts, reverse=True)
    categories = admin_api.get("/basket-rules?level=category").json()["items"]
    assert all(r["level"] == "category" for r in categories)
    assert BasketRule.objects.filter(level="category").count() >= len(categories)
    assert admin_api.get("/basket-rules?min_support=2").status_code == 422


def test_roles_without_the_capability_are_refused(
    trained: TrainingResult, api_as: Callable[[Role], ApiClient], anonymous_api: ApiClient
) -> None:
    stored = CustomerRecommendation.objects.first()
    assert stored is not None
    assert anonymous_api.get(f"/customers/{stored.customer_id}/recommendations").status_code == 401
    assert anonymous_api.get("/basket-rules").status_code == 401
