"""Training from the shop's orders stores recommendations, pairs and rules, idempotently."""

from __future__ import annotations

import pytest

from smartcrm.customers.models import Customer
from smartcrm.engine.recs.reasons import POPULAR, TEMPLATES
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from smartcrm.orders.models import OrderLine
from smartcrm.recommendations import selectors
from smartcrm.recommendations.models import BasketRule, CustomerRecommendation, PairKind, ProductPair
from smartcrm.recommendations.tasks import refresh_recommendations
from smartcrm.recommendations.training import TrainingResult

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_training_stores_top_n_with_reasons_pairs_and_rules(trained: TrainingResult) -> None:
    assert trained.customers > 100
    assert trained.recommendations == CustomerRecommendation.objects.count()
    assert set(trained.versions) == {"recommendations", "basket_rules"}
    assert registry.active_version(ModelKind.RECOMMENDATIONS) is not None
    assert registry.active_version(ModelKind.BASKET_RULES) is not None
    rec = CustomerRecommendation.objects.select_related("product").first()
    assert rec is not None and rec.reason.english() and rec.model_version is not None
    assert set(CustomerRecommendation.objects.values_list("reason_code", flat=True)) <= set(TEMPLATES)
    assert ProductPair.objects.filter(kind=PairKind.SIMILAR).exists()
    assert ProductPair.objects.filter(kind=PairKind.TOGETHER).exists()
    assert BasketRule.objects.exists()
    sources = set(CustomerRecommendation.objects.values_list("source", flat=True))
    assert "collaborative" in sources


def test_nothing_unavailable_and_nothing_just_bought_unless_a_repurchase(trained: TrainingResult) -> None:
    recs = CustomerRecommendation.objects.select_related("product")
    assert all(r.product.is_active and r.product.stock > 0 for r in recs)
    for rec in recs.exclude(source="repurchase")[:300]:
        bought = OrderLine.objects.filter(
            order__customer_id=rec.customer_id, product_id=rec.product_id, order__placed_at__date__gte=AS_OF
        )
        assert not bought.exists()


def test_at_most_three_per_category_and_ranks_are_dense(trained: TrainingResult) -> None:
    customer = CustomerRecommendation.objects.values_list("customer_id", flat=True).first()
    assert customer is not None
    recs = list(CustomerRecommendation.objects.filter(customer_id=customer).select_related("product"))
    assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
    categories = [r.product.category_id for r in recs]
    assert max(categories.count(c) for c in set(categories)) <= 3


def test_a_second_run_rewrites_the_same_rows(trained: TrainingResult) -> None:
    before = list(
        CustomerRecommendation.objects.order_by("customer_id", "rank").values_list(
            "customer_id", "product_id"
        )
    )
    again = refresh_recommendations.apply(kwargs={"as_of": AS_OF.isoformat()}).get()
    after = list(
        CustomerRecommendation.objects.order_by("customer_id", "rank").values_list(
            "customer_id", "product_id"
        )
    )
    assert before == after
    assert again["versions"]["recommendations"] == trained.versions["recommendations"] + 1


def test_a_customer_without_orders_gets_popular_products(trained: TrainingResult) -> None:
    newcomer = Customer.objects.filter(orders__isnull=True).first()
    assert newcomer is not None
    recs = selectors.customer_recommendations(newcomer.pk)
    assert recs and all(
        r.reason_code == POPULAR and r.reason.english() == "popular with customers" for r in recs
    )
