"""``bench.refresh --compare-full`` at test size: on a 2,000-customer shop whose training sample
is cut to about a third of the buyers, the models fitted on the sample judge the same held-out
customers about as well as the models fitted on everyone (churn and 30-day propensity: AUC;
CLV: the 90-day purchase forecast's error and ranking). With a few hundred customers to learn
from the sample gives up two to three points of AUC; the bench measures the real 50,000-customer
sample against 100k and 1M (bench/README.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bench.refresh_quality import compare_sample_with_full

from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence import refresh_fit
from smartcrm.synth.spec import ShopSpec

END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> None:
    ShopLoader(ShopSpec(n_customers=2_000, seed=11, end=END, n_products=150), progress=False).run()


def test_models_fitted_on_the_bounded_sample_score_held_out_customers_as_well_as_on_everyone(
    shop: None, monkeypatch: Any
) -> None:
    monkeypatch.setattr(refresh_fit, "SAMPLE_CUSTOMERS", 600)
    figures = compare_sample_with_full(AS_OF)

    assert 400 <= figures["sample_customers"] <= 0.5 * figures["all_customers"]
    for kind in ("churn", "propensity_30d"):
        compared = figures[kind]
        assert compared["sample_training_rows"] < 0.5 * compared["full_training_rows"]
        assert compared["full_roc_auc"] > 0.7, compared
        assert abs(compared["auc_difference"]) <= 0.05, compared  # 600 vs 1,600 buyers: 0.02–0.034
        assert compared["spearman"] >= 0.9, compared
    clv = figures["clv"]
    assert clv["sample"]["fitted_on_customers"] < 0.5 * clv["full"]["fitted_on_customers"]
    assert clv["sample"]["mae"] <= 1.05 * clv["full"]["mae"], clv
    assert clv["sample"]["spearman"] >= clv["full"]["spearman"] - 0.02, clv
    assert clv["clv_12m"]["spearman"] >= 0.95, clv
