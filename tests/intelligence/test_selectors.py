"""Reads of scores: segment and cluster summaries, the high-value threshold,
one customer's scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from smartcrm.intelligence import selectors
from smartcrm.intelligence.models import CustomerScore
from tests.factories import CustomerFactory
from tests.web.scores import make_score, scored_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def test_customer_scores_or_none() -> None:
    customer = scored_customer("A")
    assert selectors.customer_scores(customer.pk) == CustomerScore.objects.get(pk=customer.pk)
    assert selectors.customer_scores(CustomerFactory().pk) is None


def test_segment_summary_in_catalogue_order_with_shares_and_averages() -> None:
    scored_customer("L", segment="lost", clv_12m=Decimal("10"), churn_risk=0.9)
    for i in range(3):
        scored_customer(
            f"C{i}", segment="champions", clv_12m=Decimal(100 * (i + 1)), churn_risk=0.1 * (i + 1)
        )
    scored_customer("X", segment="", clv_12m=Decimal("5"))  # no segment: left out
    scored_customer("U", segment="someday_new", clv_12m=None, churn_risk=None)  # unknown key: last
    rows = selectors.segment_summary()
    assert [r.segment for r in rows] == ["champions", "lost", "someday_new"]
    champions = rows[0]
    assert (champions.title, champions.customers, champions.share) == ("Champions", 3, 0.6)
    assert champions.total_clv == Decimal("600.00")
    assert champions.average_clv == Decimal("200.00")
    assert champions.average_churn_risk == pytest.approx(0.2)
    assert rows[2].title == "Someday new"
    assert rows[2].average_clv is None


def test_cluster_summary_largest_first() -> None:
    scored_customer("A", cluster=0, cluster_label="Toy buyers", probability_alive=0.5)
    scored_customer("B", cluster=1, cluster_label="Grocery regulars", probability_alive=0.8)
    scored_customer("C", cluster=1, cluster_label="Grocery regulars", probability_alive=0.6)
    scored_customer("D", cluster=None, cluster_label="")
    rows = selectors.cluster_summary()
    assert [(r.label, r.customers) for r in rows] == [("Grocery regulars", 2), ("Toy buyers", 1)]
    assert rows[0].average_probability_alive == pytest.approx(0.7)
    assert rows[0].share == pytest.approx(2 / 3)


@pytest.mark.parametrize(("count", "expected"), [(1, "100"), (5, "500"), (10, "900"), (11, "900")])
def test_high_value_threshold_is_the_top_fifth(count: int, expected: str) -> None:
    for i in range(count):
        scored_customer(f"S{i}", clv_12m=Decimal(100 * (i + 1)))
    scored_customer("none", clv_12m=None)
    assert selectors.high_value_threshold() == Decimal(expected)
    above = CustomerScore.objects.filter(clv_12m__gte=Decimal(expected)).count()
    assert above == max(1, -(-count // 5))


def test_high_value_threshold_is_cached(django_assert_num_queries: Any) -> None:
    assert selectors.high_value_threshold() is None
    scored_customer("A", clv_12m=Decimal("50"))
    with django_assert_num_queries(0):
        assert selectors.high_value_threshold() is None  # cached "no scores"
    assert selectors.high_value_threshold(refresh=True) == Decimal("50")
    with django_assert_num_queries(0):
        assert selectors.high_value_threshold() == Decimal("50")


@pytest.mark.parametrize(
    ("risk", "band"),
    [(None, ""), (0.0, "low"), (0.299, "low"), (0.3, "medium"), (0.6, "medium"), (0.6001, "high")],
)
def test_churn_band(risk: float | None, band: str) -> None:
    assert selectors.churn_band(risk) == band


def test_scoring_status() -> None:
    assert selectors.scoring_status()["customers"] == 0
    make_score(CustomerFactory())
    status = selectors.scoring_status()
    assert status["customers"] == 1
    assert str(status["as_of"]) == "2026-11-01"
