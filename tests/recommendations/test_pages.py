"""The customer 360 panel, the product page panel and the basket rules browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from smartcrm.accounts.roles import Role
from smartcrm.catalog.models import Product
from smartcrm.recommendations.models import BasketRule, CustomerRecommendation, PairKind, ProductPair
from smartcrm.recommendations.training import TrainingResult

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def client_as(make_user: Any) -> Callable[[Role], Client]:
    def make(role: Role) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return make


def test_customer_360_loads_the_panel_with_reasons(
    trained: TrainingResult, client_as: Callable[[Role], Client]
) -> None:
    rec = CustomerRecommendation.objects.select_related("product").order_by("customer_id", "rank").first()
    assert rec is not None
    client = client_as(Role.SALES)
    page = client.get(f"/customers/{rec.customer_id}/").content.decode()
    assert f"/customers/{rec.customer_id}/recommendations/" in page
    panel = client.get(f"/customers/{rec.customer_id}/recommendations/").content.decode()
    assert "Recommended products" in panel and escape(rec.reason.english()) in panel
    assert f"/products/{rec.product_id}/" in panel
    assert client.get("/customers/99999999/recommendations/").status_code == 404


def test_product_page_panel_escapes_product_names(
    trained: TrainingResult, client_as: Callable[[Role], Client]
) -> None:
    pair = ProductPair.objects.filter(kind=PairKind.TOGETHER).first()
    assert pair is not None
    Product.objects.filter(pk=pair.other_id).update(name=XSS)
    client = client_as(Role.ANALYST)
    assert (
        f"/products/{pair.product_id}/recommendations/"
        in client.get(f"/products/{pair.product_id}/").content.decode()
    )
    panel = client.get(f"/products/{pair.product_id}/recommendations/").content.decode()
    assert "Frequently bought together" in panel
    assert XSS not in panel and "&lt;script&gt;" in panel


def test_rules_page_filters_by_level_and_lift(
    trained: TrainingResult, client_as: Callable[[Role], Client]
) -> None:
    client = client_as(Role.MARKETING)
    strongest = BasketRule.objects.filter(level="product").order_by("-lift").first()
    assert strongest is not None
    page = client.get("/basket-rules/").content.decode()
    assert "Basket rules" in page and strongest.antecedent_label.split(",")[0] in page
    weak = BasketRule.objects.filter(level="product").order_by("lift").first()
    assert weak is not None and weak.lift < strongest.lift
    filtered = client.get(
        f"/basket-rules/?min_lift={strongest.lift}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert (
        filtered.count("<tr>")
        == BasketRule.objects.filter(level="product", lift__gte=strongest.lift).count() + 1
    )
    categories = client.get("/basket-rules/?level=category").content.decode()
    assert "rules-table" in categories


def test_pages_need_a_login(trained: TrainingResult) -> None:
    response = Client().get("/basket-rules/")
    assert response.status_code == 302 and "/login/" in response["Location"]
