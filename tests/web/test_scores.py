"""Scores on the customer pages: the 360 panel (and its empty state), the list's columns,
filters and sorts, with bounded queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from smartcrm.accounts.roles import Role
from tests import factories
from tests.web.conftest import XSS, Shop
from tests.web.scores import make_score, scored_customer


@pytest.fixture(autouse=True)
def fresh_threshold_cache() -> None:
    cache.clear()


def test_360_shows_the_scores_and_their_reasons(shop: Shop, client_for: Any) -> None:
    make_score(shop.customer, segment="at_risk", churn_risk=0.72, churn_reasons="No order for 200 days")
    page = (
        client_for(Role.SALES).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    for text in (
        "At risk",
        "Used to buy fairly often but have not bought for a long time.",
        "Frequent buyers of toys",
        "$321.50",
        "2.4 expected",
        "93%",
        "72% · high",
        "risk-high",
        "No order for 200 days",
        "41%",
        "Buys every month",
        "Nov 1, 2026",
        "churn v1",
    ):
        assert text in page, text
    assert "smartcrm train" not in page


def test_360_lists_the_likely_next_categories_by_name_with_the_reason(shop: Shop, client_for: Any) -> None:
    factories.CategoryFactory(name="Baby & toddler", slug="baby")
    make_score(
        shop.customer,
        next_category="baby",
        next_category_propensity=0.31,
        next_category_reasons="Buys nappies every three weeks",
        category_propensities=[
            {"category": "baby", "probability": 0.31},
            {"category": "gone-category", "probability": 0.12},
        ],
    )
    page = (
        client_for(Role.SALES).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    assert "Next categories, 30 days" in page
    assert "Baby &amp; toddler" in page and "31%" in page and "Buys nappies every three weeks" in page
    assert "gone-category" in page  # a category deleted since scoring still shows, by its slug


@pytest.mark.parametrize(("risk", "band"), [(0.1, "low"), (0.3, "medium"), (0.6, "medium"), (0.61, "high")])
def test_churn_badge_bands(shop: Shop, client_for: Any, risk: float, band: str) -> None:
    make_score(shop.customer, churn_risk=risk)
    page = (
        client_for(Role.SALES).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    assert f"risk-{band}" in page


def test_360_reasons_are_text_not_markup(shop: Shop, client_for: Any) -> None:
    make_score(shop.customer, churn_reasons=XSS, propensity_reasons=XSS, cluster_label=XSS)
    page = (
        client_for(Role.SALES).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_360_without_scores_says_how_to_get_them(shop: Shop, client_for: Any) -> None:
    page = (
        client_for(Role.SALES).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    assert "Insights" in page
    assert "smartcrm train" in page


def test_360_scores_cost_no_extra_query(
    shop: Shop, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.SUPPORT)
    url = reverse("web:customer_detail", args=[shop.customer.pk])
    with django_assert_max_num_queries(30) as without:
        client.get(url)
    make_score(shop.customer)
    with django_assert_max_num_queries(len(without.captured_queries)):
        assert "Frequent buyers of toys" in client.get(url).content.decode()


def test_list_shows_score_columns_and_unscored_customers(shop: Shop, client_for: Any) -> None:
    scored_customer("Grace Hopper", segment="loyal_customers", clv_12m=Decimal("1234.00"), churn_risk=0.45)
    page = client_for(Role.SALES).get(reverse("web:customer_list")).content.decode()
    assert "Grace Hopper" in page
    assert "Ada Lovelace" in page  # no scores, still listed
    assert "Loyal customers" in page
    assert "$1,234.00" in page
    assert "45%" in page
    assert "risk-medium" in page


def _names(client: Any, **params: str) -> list[str]:
    from smartcrm.customers.models import Customer

    body = client.get(reverse("web:customer_list"), params).content.decode()
    names = [c.name for c in Customer.objects.all()]
    return sorted((n for n in names if n in body), key=body.index)


def test_list_filters_by_segment_churn_and_high_value(shop: Shop, client_for: Any) -> None:
    for i in range(10):
        scored_customer(
            f"Scored {i:02d}",
            segment="champions" if i < 3 else "at_risk",
            clv_12m=Decimal(100 * (i + 1)),
            churn_risk=i / 10,
        )
    client = client_for(Role.SALES)
    assert set(_names(client, segment="champions")) == {"Scored 00", "Scored 01", "Scored 02"}
    assert set(_names(client, churn_min="0.7")) == {"Scored 07", "Scored 08", "Scored 09"}
    # Top 20 % of 10 scored customers by CLV: the two largest.
    assert set(_names(client, high_value="on")) == {"Scored 08", "Scored 09"}
    assert set(_names(client, high_value="on", segment="at_risk")) == {"Scored 08", "Scored 09"}
    assert set(_names(client, high_value="on", segment="champions")) == set()
    assert _names(client, sort="top_clv")[:3] == ["Scored 09", "Scored 08", "Scored 07"]
    assert _names(client, sort="churn_risk")[:2] == ["Scored 09", "Scored 08"]
    assert "Ada Lovelace" not in _names(client, sort="top_clv")  # score sorts list scored customers
    # Unknown values are ignored, not fatal.
    response = client.get(reverse("web:customer_list"), {"segment": "<x>", "churn_min": "lots"})
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()


def test_high_value_without_any_scores_lists_nobody(shop: Shop, client_for: Any) -> None:
    page = client_for(Role.SALES).get(reverse("web:customer_list"), {"high_value": "on"}).content.decode()
    assert "No customers match these filters." in page


def test_list_with_scores_stays_one_query(
    shop: Shop, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.SALES)
    for i in range(30):
        scored_customer(f"Scored {i:02d}", clv_12m=Decimal(i))
    factories.CustomerFactory.create_batch(30)
    # session, user, one page of customers with scores, the unread-notification badge
    with django_assert_max_num_queries(5):
        response = client.get(reverse("web:customer_list"), {"sort": "top_clv", "segment": "champions"})
    assert response.status_code == 200
    client.get(reverse("web:customer_list"), {"high_value": "on"})  # warms the threshold cache
    with django_assert_max_num_queries(5):
        client.get(reverse("web:customer_list"), {"high_value": "on", "churn_min": "0.3"})
