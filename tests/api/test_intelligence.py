"""Scores, segments and model versions through the API, and the score filters of the customer
list; every response is checked against the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache

from smartcrm.accounts.roles import Role
from tests.api.client import ApiClient
from tests.factories import CustomerFactory
from tests.web.scores import make_score, make_version, scored_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_threshold_cache() -> None:
    cache.clear()


def test_scores_of_a_customer(admin_api: ApiClient) -> None:
    customer = scored_customer(
        "Grace Hopper", segment="at_risk", churn_risk=0.7, churn_reasons="Quiet for 200 days"
    )
    body = admin_api.get(f"/customers/{customer.pk}/scores").json()
    assert body["customer_id"] == customer.pk
    assert (body["segment"], body["segment_title"]) == ("at_risk", "At risk")
    assert body["segment_description"].startswith("Used to buy")
    assert body["churn_risk"] == 0.7
    assert body["churn_reasons"] == "Quiet for 200 days"
    assert body["clv_12m"] == "321.50"
    assert body["model_versions"] == {"segments": 1, "clv": 2, "churn": 1}
    assert body["as_of"] == "2026-11-01"


def test_scores_404_when_none_or_no_customer(admin_api: ApiClient) -> None:
    customer = CustomerFactory()
    response = admin_api.get(f"/customers/{customer.pk}/scores")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert admin_api.get("/customers/999999/scores").status_code == 404


def test_scores_need_a_role_that_sees_customers(
    api_as: Callable[[Role], ApiClient], anonymous_api: ApiClient
) -> None:
    customer = scored_customer("Grace Hopper")
    assert api_as(Role.ANALYST).get(f"/customers/{customer.pk}/scores").status_code == 200
    assert anonymous_api.get(f"/customers/{customer.pk}/scores").status_code == 401


def test_segments_sizes_and_averages(api_as: Callable[[Role], ApiClient]) -> None:
    for i in range(3):
        scored_customer(
            f"C{i}", segment="champions", clv_12m=Decimal(100 * (i + 1)), churn_risk=0.1, cluster=0
        )
    scored_customer(
        "L", segment="lost", clv_12m=Decimal("10"), churn_risk=0.9, cluster=1, cluster_label="One-off buyers"
    )
    body = api_as(Role.MARKETING).get("/segments").json()
    assert body["scored_customers"] == 4
    assert body["as_of"] == "2026-11-01"
    champions, lost = body["segments"]
    assert (champions["segment"], champions["customers"], champions["share"]) == ("champions", 3, 0.75)
    assert champions["total_clv"] == "600.00"
    assert champions["average_clv"] == "200.00"
    assert lost["title"] == "Lost"
    assert pytest.approx(lost["average_churn_risk"]) == 0.9
    assert [c["customers"] for c in body["clusters"]] == [3, 1]
    assert body["clusters"][1]["label"] == "One-off buyers"


def test_segments_before_any_scoring(admin_api: ApiClient) -> None:
    assert admin_api.get("/segments").json() == {
        "scored_customers": 0,
        "as_of": None,
        "segments": [],
        "clusters": [],
    }


def test_models_list_versions_with_metrics(admin_api: ApiClient, api_as: Callable[[Role], ApiClient]) -> None:
    make_version("churn", 1)
    make_version("churn", 2, active=True)
    make_version("clv", 1, active=True, metrics={"mae": 12.5})
    body = admin_api.get("/models").json()
    assert [(m["kind"], m["version"], m["is_active"]) for m in body["models"]] == [
        ("clv", 1, True),
        ("churn", 2, True),
        ("churn", 1, False),
    ]
    assert body["models"][1]["metrics"]["roc_auc"] == 0.835
    assert body["models"][1]["feature_schema"]["columns"][0] == "recency_days"
    assert api_as(Role.SUPPORT).get("/models").status_code == 200
    assert api_as(Role.SALES).get("/models").status_code == 200


def test_customer_list_carries_scores_and_filters_by_them(admin_api: ApiClient) -> None:
    unscored = CustomerFactory(name="Unscored")
    for i in range(10):
        scored_customer(
            f"S{i}",
            segment="champions" if i < 3 else "at_risk",
            clv_12m=Decimal(100 * (i + 1)),
            churn_risk=i / 10,
        )
    rows = {r["name"]: r for r in admin_api.get("/customers?page_size=100").json()["items"]}
    assert (rows["Unscored"]["segment"], rows["Unscored"]["clv_12m"], rows["Unscored"]["churn_risk"]) == (
        None,
        None,
        None,
    )
    assert (rows["S9"]["segment"], rows["S9"]["clv_12m"], rows["S9"]["churn_risk"]) == (
        "at_risk",
        "1000.00",
        0.9,
    )
    assert unscored.pk in {r["id"] for r in rows.values()}

    def names(query: str) -> list[str]:
        return [r["name"] for r in admin_api.get(f"/customers?page_size=100&{query}").json()["items"]]

    assert sorted(names("segment=champions")) == ["S0", "S1", "S2"]
    assert sorted(names("churn_risk_min=0.75")) == ["S8", "S9"]
    assert sorted(names("high_value=true")) == ["S8", "S9"]
    assert names("sort=top_clv")[:3] == ["S9", "S8", "S7"]
    assert names("sort=churn_risk")[:2] == ["S9", "S8"]
    assert "Unscored" not in names("sort=top_clv")


def test_customers_likely_to_buy_a_category_next(admin_api: ApiClient) -> None:
    for i in range(4):
        scored_customer(
            f"K{i}",
            next_category="baby" if i % 2 else "garden",
            next_category_propensity=i / 10,
            category_propensities=[{"category": "baby" if i % 2 else "garden", "probability": i / 10}],
        )

    def names(query: str) -> list[str]:
        return [r["name"] for r in admin_api.get(f"/customers?page_size=100&{query}").json()["items"]]

    assert names("next_category=baby&sort=category_propensity") == ["K3", "K1"]
    assert names("sort=category_propensity") == ["K3", "K2", "K1", "K0"]
    customer = scored_customer("K9", next_category="baby", next_category_propensity=0.4)
    body = admin_api.get(f"/customers/{customer.pk}/scores").json()
    assert (body["next_category"], body["next_category_propensity"]) == ("baby", 0.4)


@pytest.mark.parametrize(
    "query",
    ["churn_risk_min=2", "churn_risk_min=x", "sort=clv_up", "high_value=maybe", f"next_category={'x' * 101}"],
)
def test_bad_score_filters_are_422(admin_api: ApiClient, query: str) -> None:
    assert admin_api.get(f"/customers?{query}").status_code == 422


def test_customer_detail_is_unchanged_by_scores(api_as: Callable[[Role], ApiClient]) -> None:
    customer = CustomerFactory(email="ann@example.com")
    make_score(customer)
    body = api_as(Role.MARKETING).get(f"/customers/{customer.pk}").json()
    assert body["pii_masked"] is True
    assert "segment" not in body
