"""Recommendations as a fan-out run on a generated shop of a couple of thousand customers,
against the real database: the stored top-N of every customer is exactly the single-process
training's whatever the chunks, nothing shows before the switch, and a chunk that failed with a
real exception, retried, gives the same rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence import refresh, refresh_local, refresh_work
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.recommendations import fanout
from smartcrm.recommendations.models import (
    BasketRule,
    CustomerRecommendation,
    ProductPair,
    StagedRecommendation,
)
from smartcrm.recommendations.training import train
from smartcrm.synth.spec import ShopSpec

END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop() -> None:
    ShopLoader(ShopSpec(n_customers=2_000, seed=7, end=END, n_products=150), progress=False).run()


def top_n() -> list[tuple[Any, ...]]:
    rows = CustomerRecommendation.objects.order_by("customer_id", "rank")
    return list(
        rows.values_list(
            "customer_id", "rank", "product_id", "source", "reason_code", "reason_params", "score"
        )
    )


def pairs_and_rules() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    pairs = ProductPair.objects.order_by("product_id", "kind", "rank").values_list(
        "product_id", "kind", "rank", "other_id", "score"
    )
    rules = BasketRule.objects.order_by("level", "antecedent_label", "consequent_label").values_list(
        "level", "antecedent_label", "consequent_label", "lift"
    )
    return list(pairs), list(rules)


def test_ranked_in_chunks_every_customer_gets_the_single_process_top_n(shop: None) -> None:
    single = train(as_of=AS_OF, actor="test")
    expected, expected_pairs = top_n(), pairs_and_rules()
    assert single.customers > 1_000 and len(expected) == single.recommendations

    run = refresh_local.run_here(actor="test", as_of=AS_OF, chunk_size=300, kind=RunKind.RECOMMENDATIONS)
    assert run.status == RefreshStatus.DONE, run.message
    assert run.chunks.count() >= 6 and set(run.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}
    assert run.sample_customers == single.customers  # a small shop: the sample is every buyer
    assert top_n() == expected  # same products, ranks, reasons and scores, customer by customer
    assert pairs_and_rules() == expected_pairs
    assert run.customers_scored == single.customers
    assert not StagedRecommendation.objects.exists()
    active = dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version"))
    assert active == {"recommendations": 2, "basket_rules": 2}
    assert set(CustomerRecommendation.objects.values_list("model_version__version", flat=True)) == {2}
    stored = run.metrics["stored"]
    assert sum(stored["by_source"].values()) == len(expected) and stored["pairs"] == single.pairs


def test_nothing_shows_before_the_switch_and_a_chunk_retried_after_a_failure_gives_the_same_rows(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        clean = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=400, kind=RunKind.RECOMMENDATIONS)
    for chunk_id in list(held_chunks):
        refresh_work.run_chunk(chunk_id)
    assert RefreshRun.objects.get(pk=clean.pk).status == RefreshStatus.DONE
    expected = [row[:6] for row in top_n()]
    CustomerRecommendation.objects.update(reason_code="yesterday")  # the previous generation, told apart
    before = top_n()

    held_chunks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=400, kind=RunKind.RECOMMENDATIONS)
    first, second, *others = held_chunks
    real = fanout.recommend_customers
    broken = {"calls": 0}

    def fails_halfway(fitted: Any, lines: Any) -> Any:
        broken["calls"] += 1
        ranked = real(fitted, lines)
        raise ZeroDivisionError(f"{len(ranked)} rows computed, then the worker fell over")

    refresh_work.run_chunk(first)
    monkeypatch.setattr(fanout, "recommend_customers", fails_halfway)
    with pytest.raises(ZeroDivisionError):
        refresh_work.run_chunk(second)
    monkeypatch.setattr(fanout, "recommend_customers", real)
    for chunk_id in others:
        refresh_work.run_chunk(chunk_id)
    run.refresh_from_db()
    failed = RefreshChunk.objects.get(pk=second)
    assert broken["calls"] == 1 and run.status == RefreshStatus.FAILED and "Chunk 2 failed" in run.message
    assert failed.status == ChunkStatus.FAILED and "ZeroDivisionError" in failed.message
    assert not StagedRecommendation.objects.filter(
        run=run, customer_id__gte=failed.first_id, customer_id__lte=failed.last_id
    ).exists()
    assert top_n() == before  # readers still see the previous recommendations, whole

    held_chunks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refresh.retry(run_id=run.pk, actor="test")
    assert held_chunks == [second]
    refresh_work.run_chunk(second)
    run.refresh_from_db()
    assert run.status == RefreshStatus.DONE
    assert [row[:6] for row in top_n()] == expected
    assert RefreshChunk.objects.get(pk=second).attempts == 2


def test_a_cancelled_recommendations_run_drops_its_generation(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=500, kind=RunKind.RECOMMENDATIONS)
    refresh_work.run_chunk(held_chunks[0])
    assert StagedRecommendation.objects.filter(run=run).exists()
    refresh.cancel(run_id=run.pk, actor="test")
    assert not StagedRecommendation.objects.exists() and not CustomerRecommendation.objects.exists()
    assert not ModelVersion.objects.filter(is_active=True).exists()
