"""``smartcrm train`` is a fan-out refresh run driven from the command's own process (no broker,
both vendors): it leaves a finished RefreshRun with its chunks, and on a shop smaller than the
training sample its scores are those of the single-process training."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence.models import (
    ChunkStatus,
    CustomerScore,
    RefreshRun,
    RefreshStatus,
    RunKind,
    StagedScore,
    TrainingRun,
)
from smartcrm.intelligence.training import train
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.recommendations.models import CustomerRecommendation
from smartcrm.synth.spec import ShopSpec

END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
EXACT = ["customer_id", "segment", "rfm_code", "cluster", "churn_reasons", "next_category"]
NUMBERS = ["clv_12m", "probability_alive", "churn_risk", "propensity_30d", "next_category_propensity"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop() -> None:
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()


def scores() -> list[dict[str, Any]]:
    return list(CustomerScore.objects.order_by("customer_id").values(*EXACT, *NUMBERS))


def test_train_runs_a_fan_out_refresh_in_chunks_in_its_own_process(shop: None) -> None:
    out = StringIO()
    call_command("train", "--as-of", AS_OF.isoformat(), "--chunk-size", "150", stdout=out)

    run = RefreshRun.objects.get(kind=RunKind.SCORES)
    assert run.status == RefreshStatus.DONE and run.actor_label == "cli:train"
    assert run.chunks.count() >= 4
    assert set(run.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}
    assert CustomerScore.objects.count() == run.customers_scored > 0
    assert not StagedScore.objects.exists()
    assert not TrainingRun.objects.exists()  # not the single-process path
    active = dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version"))
    scores = {"clv": 1, "churn": 1, "propensity_30d": 1, "category_propensity": 1}
    assert active == {**scores, "recommendations": 1, "basket_rules": 1}  # the default kinds: both
    recommended = RefreshRun.objects.get(kind=RunKind.RECOMMENDATIONS)
    assert recommended.status == RefreshStatus.DONE and recommended.chunks.count() >= 4
    assert (
        CustomerRecommendation.objects.values("customer_id").distinct().count()
        == recommended.customers_scored
    )
    text = out.getvalue()
    assert f"Refresh run {run.pk}: models fitted on {run.sample_customers:,} customers." in text
    assert f"Scored {run.customers_scored:,} customers as of {AS_OF}." in text
    assert "seconds per stage: train" in text and "chunks" in text
    assert f"Recommendations run {recommended.pk}: fitted on" in text


def test_train_kinds_picks_the_runs(shop: None) -> None:
    call_command("train", "--as-of", AS_OF.isoformat(), "--kinds", "recommendations", stdout=StringIO())
    assert list(RefreshRun.objects.values_list("kind", flat=True)) == [RunKind.RECOMMENDATIONS]
    with pytest.raises(CommandError, match="expected some of"):
        call_command("train", "--kinds", "scores,gossip", stdout=StringIO())


def test_on_a_shop_smaller_than_the_sample_train_scores_as_the_single_process_training(shop: None) -> None:
    train(as_of=AS_OF, actor="test")
    single = scores()
    call_command(
        "train", "--as-of", AS_OF.isoformat(), "--chunk-size", "200", "--kinds", "scores", stdout=StringIO()
    )
    fanned = scores()

    assert [[row[c] for c in EXACT] for row in fanned] == [[row[c] for c in EXACT] for row in single]
    for column in NUMBERS:
        pairs = [(a[column], b[column]) for a, b in zip(fanned, single, strict=True)]
        assert all((x is None) == (y is None) for x, y in pairs), column
        assert all(abs(float(x) - float(y)) < 1e-6 for x, y in pairs if x is not None), column


def test_train_on_an_empty_shop_is_a_clear_error_and_a_failed_run() -> None:
    with pytest.raises(CommandError, match="no orders"):
        call_command("train", stdout=StringIO())
    run = RefreshRun.objects.get()
    assert run.status == RefreshStatus.FAILED and not CustomerScore.objects.exists()
