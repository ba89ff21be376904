"""The next best action from stored scores, orders, reviews and recommendations; the 360 card."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.core.errors import NotFoundError
from smartcrm.engine.uplift.next_action import Action
from smartcrm.feedback.models import Review
from smartcrm.intelligence.next_action import churn_top_threshold, next_best_action_for
from smartcrm.recommendations.models import CustomerRecommendation
from tests.factories import CustomerFactory, ProductFactory
from tests.web.scores import scored_customer

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def shop() -> list[Any]:
    """Ten scored customers: churn risk 0.05 … 0.95, CLV $100 … $1,000 in the same order."""
    return [
        scored_customer(
            f"C{i}", churn_risk=0.05 + 0.1 * i, clv_12m=Decimal(100 * (i + 1)), propensity_30d=0.1
        )
        for i in range(10)
    ]


def test_the_top_churn_line_is_the_shops_top_tenth(shop: list[Any]) -> None:
    assert churn_top_threshold() == pytest.approx(0.95)


def test_valuable_and_leaving_gets_a_win_back_offer(shop: list[Any]) -> None:
    nba = next_best_action_for(shop[-1].pk)
    assert nba.action is Action.WIN_BACK
    assert nba.reason.startswith("Churn risk 0.95 is in the top 10% and 12-month CLV $1,000")


def test_unscored_and_unknown_customers() -> None:
    assert next_best_action_for(CustomerFactory().pk).action is Action.NOTHING
    with pytest.raises(NotFoundError):
        next_best_action_for(99_999_999)


def test_a_recent_order_without_a_review_asks_for_one(shop: list[Any]) -> None:
    customer = shop[8]  # CLV $900 (top 20%), churn 0.85 (not the top tenth)
    customer.last_order_at = timezone.now() - timedelta(days=4)
    customer.save(update_fields=["last_order_at"])
    nba = next_best_action_for(customer.pk)
    assert nba.action is Action.REVIEW_REQUEST and "4 days ago" in nba.reason
    Review.objects.create(customer=customer, product=ProductFactory(), rating=5, created_at=timezone.now())
    assert next_best_action_for(customer.pk).action is Action.NOTHING  # churn 0.85 is not low


def test_cross_sell_names_the_recommended_product_escaped_on_the_360(shop: list[Any], make_user: Any) -> None:
    customer = scored_customer("Buyer", churn_risk=0.1, clv_12m=Decimal("50"), propensity_30d=0.6)
    product = ProductFactory(name=XSS)
    CustomerRecommendation.objects.create(
        customer=customer,
        product=product,
        rank=1,
        score=0.9,
        reason_code="bought_with",
        reason_params={"product": "Teapot"},
        source="collaborative",
        created_at=timezone.now(),
    )
    nba = next_best_action_for(customer.pk)
    assert nba.action is Action.CROSS_SELL and nba.product == XSS
    client = Client()
    client.force_login(make_user(Role.SALES))
    assert (
        f"/customers/{customer.pk}/next-action/" in client.get(f"/customers/{customer.pk}/").content.decode()
    )
    page = client.get(f"/customers/{customer.pk}/next-action/").content.decode()
    assert "Next best action" in page and "Cross-sell" in page
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "bought with Teapot" in page
    assert client.get("/customers/99999999/next-action/").status_code == 404
    reader = make_user(Role.SALES)
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    client.force_login(reader)
    chinese = client.get(f"/customers/{customer.pk}/next-action/").content.decode()
    assert "交叉销售" in chinese and "（常与 Teapot 一起购买）" in chinese
    assert "Cross-sell" not in chinese and "bought with" not in chinese
