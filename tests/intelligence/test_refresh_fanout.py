"""The fan-out refresh on a small generated shop, against the real database (both vendors):
chunks score independently of the layout, a chunk run twice writes once, nothing is visible
before the switch, a run can be cancelled or its failed chunk retried, and a chunk stores what
the per-customer explanations would."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.customers.models import Customer
from smartcrm.demo.loader import ShopLoader
from smartcrm.engine.propensity.model import PropensityModel
from smartcrm.engine.reasons import Reason
from smartcrm.intelligence import refresh, refresh_work, staging
from smartcrm.intelligence.models import (
    ChunkStatus,
    CustomerScore,
    RefreshChunk,
    RefreshRun,
    RefreshStatus,
    StagedScore,
)
from smartcrm.intelligence.refresh_chunks import score_chunk
from smartcrm.intelligence.refresh_fit import FittedModels
from smartcrm.intelligence.training import SCORE_FIELDS, score_rows
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.synth.spec import ShopSpec

END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
COMPARED = [
    "customer_id",
    "segment",
    "rfm_code",
    "cluster",
    "clv_12m",
    "churn_risk",
    "churn_reasons",
    "propensity_30d",
    "next_category",
    "next_category_propensity",
    "category_propensities",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop() -> None:
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()


def scores() -> list[tuple[Any, ...]]:
    return list(CustomerScore.objects.order_by("customer_id").values_list(*COMPARED))


def start(capture: Any, chunk_size: int, options: dict[str, Any] | None = None) -> RefreshRun:
    with capture(execute=True):
        run = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=chunk_size, options=options)
    return RefreshRun.objects.get(pk=run.pk)


def test_a_refresh_in_chunks_scores_every_buyer_as_one_chunk_does(
    shop: None, django_capture_on_commit_callbacks: Any
) -> None:
    run = start(django_capture_on_commit_callbacks, chunk_size=150)
    buyers = Customer.objects.filter(first_order_at__date__lte=AS_OF).count()
    assert run.status == RefreshStatus.DONE, run.message
    assert run.chunks.count() >= 4 and set(run.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}
    assert run.customers_scored == CustomerScore.objects.count() == buyers
    assert sum(run.chunks.values_list("rows", flat=True)) == buyers
    assert not StagedScore.objects.exists()  # the generation moved over whole
    active = dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version"))
    assert active == {"clv": 1, "churn": 1, "propensity_30d": 1, "category_propensity": 1}
    assert all(v == active for v in CustomerScore.objects.values_list("model_versions", flat=True))
    assert run.sample_customers == buyers  # a small shop: the sample is everyone
    assert CustomerScore.objects.exclude(churn_reasons="").exists()
    in_chunks = scores()

    whole = start(django_capture_on_commit_callbacks, chunk_size=10_000_000)
    assert whole.status == RefreshStatus.DONE and whole.chunks.count() == 1
    assert scores() == in_chunks  # the same models give the same scores whatever the chunks


def test_a_run_that_skips_clv_and_category_propensity_scores_the_rest_as_a_full_run_does(
    shop: None, django_capture_on_commit_callbacks: Any
) -> None:
    kept = ["customer_id", "segment", "rfm_code", "cluster", "churn_risk", "churn_reasons", "propensity_30d"]
    skip = {"skip": ["clv", "category_propensity"]}
    with pytest.raises(ValueError, match="may skip only"):
        refresh.start_refresh(actor="test", as_of=AS_OF, options={"skip": ["churn"]})
    run = start(django_capture_on_commit_callbacks, chunk_size=200, options=skip)
    assert run.status == RefreshStatus.DONE, run.message
    assert set(run.versions) == {"churn", "propensity_30d"}  # CLV and category models not fitted
    assert CustomerScore.objects.count() == run.customers_scored > 0
    assert not CustomerScore.objects.filter(clv_12m__isnull=False).exists()
    assert not CustomerScore.objects.exclude(next_category="").exists()
    assert not CustomerScore.objects.filter(churn_risk__isnull=True).exists()
    restricted = list(CustomerScore.objects.order_by("customer_id").values_list(*kept))

    full = start(django_capture_on_commit_callbacks, chunk_size=200)
    assert full.status == RefreshStatus.DONE and CustomerScore.objects.filter(clv_12m__isnull=False).exists()
    assert list(CustomerScore.objects.order_by("customer_id").values_list(*kept)) == restricted


def test_a_chunk_run_twice_writes_once_and_nothing_shows_before_the_last_chunk(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    run = start(django_capture_on_commit_callbacks, chunk_size=200)
    assert run.status == RefreshStatus.SCORING and len(held_chunks) == run.chunks.count() >= 3
    first, *others = held_chunks
    refresh_work.run_chunk(first)
    staged = StagedScore.objects.filter(run=run).count()
    assert staged > 0
    RefreshChunk.objects.filter(pk=first).update(status=ChunkStatus.PENDING)  # delivered again
    refresh_work.run_chunk(first)
    refresh_work.run_chunk(first)  # done: a third delivery does nothing
    assert StagedScore.objects.filter(run=run).count() == staged
    assert RefreshChunk.objects.get(pk=first).attempts == 2
    for chunk_id in others[:-1]:
        refresh_work.run_chunk(chunk_id)
    assert not CustomerScore.objects.exists()  # readers see no half-refreshed shop
    assert not ModelVersion.objects.filter(is_active=True).exists()
    refresh_work.run_chunk(others[-1])
    run.refresh_from_db()
    assert run.status == RefreshStatus.DONE
    assert (
        CustomerScore.objects.count()
        == run.customers_scored
        == staged + sum(RefreshChunk.objects.filter(run=run).exclude(pk=first).values_list("rows", flat=True))
    )


def test_a_cancelled_run_drops_its_generation_and_scores_nothing_more(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    run = start(django_capture_on_commit_callbacks, chunk_size=200)
    refresh_work.run_chunk(held_chunks[0])
    refresh.cancel(run_id=run.pk, actor="test")
    for chunk_id in held_chunks[1:]:
        refresh_work.run_chunk(chunk_id)
    run.refresh_from_db()
    assert run.status == RefreshStatus.CANCELLED
    assert not StagedScore.objects.exists() and not CustomerScore.objects.exists()
    assert set(run.chunks.exclude(pk=held_chunks[0]).values_list("status", flat=True)) == {
        ChunkStatus.CANCELLED
    }
    with pytest.raises(refresh.RefreshStateError):
        refresh.cancel(run_id=run.pk, actor="test")


def test_a_failed_chunk_fails_the_run_and_a_retry_finishes_it(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    run = start(django_capture_on_commit_callbacks, chunk_size=200)
    fitted = RefreshRun.objects.filter(pk=run.pk).values_list("fitted", flat=True).get()
    refresh_work._fitted_models.cache_clear()
    RefreshRun.objects.filter(pk=run.pk).update(fitted=b"not the models")  # the chunk cannot load them
    with pytest.raises(ValueError, match="not a saved FittedModels"):
        refresh_work.run_chunk(held_chunks[0])
    RefreshRun.objects.filter(pk=run.pk).update(fitted=fitted)
    for chunk_id in held_chunks[1:]:
        refresh_work.run_chunk(chunk_id)
    run.refresh_from_db()
    failed = RefreshChunk.objects.get(pk=held_chunks[0])
    assert run.status == RefreshStatus.FAILED and "Chunk 1 failed" in run.message
    assert failed.status == ChunkStatus.FAILED and "ValueError" in failed.message
    assert not CustomerScore.objects.exists()

    held_chunks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refresh.retry(run_id=run.pk, actor="test")
    assert held_chunks == [failed.pk]
    refresh_work.run_chunk(failed.pk)
    run.refresh_from_db()
    assert run.status == RefreshStatus.DONE
    assert CustomerScore.objects.count() == run.customers_scored > 0


def test_the_training_sample_is_a_bounded_stable_slice_of_the_buyers(shop: None, monkeypatch: Any) -> None:
    from smartcrm.intelligence import refresh_fit
    from smartcrm.intelligence.extract import extract_shop

    buyers = Customer.objects.filter(first_order_at__date__lte=AS_OF).count()
    assert refresh_fit.sample_ids(AS_OF).keep_per_10007 == refresh_fit.BUCKETS  # small: everyone
    monkeypatch.setattr(refresh_fit, "SAMPLE_CUSTOMERS", 100)
    ids = refresh_fit.sample_ids(AS_OF)
    sample = extract_shop(AS_OF, ids)
    chosen = set(sample.orders["customer_id"])
    assert 50 <= len(chosen) <= 160 < buyers  # about 100 of the buyers, picked by the database
    assert all((c * 7919) % 10007 < ids.keep_per_10007 for c in chosen)
    assert set(sample.lines["order_id"]) <= set(sample.orders["id"])
    assert chosen == set(extract_shop(AS_OF, refresh_fit.sample_ids(AS_OF)).orders["customer_id"])


STORED = [f for f in SCORE_FIELDS if f != "scored_at"]


STORED = [f for f in SCORE_FIELDS if f != "scored_at"]


def _staged_chunk(run: RefreshRun) -> dict[int, tuple[Any, ...]]:
    """Score and stage the run's only chunk as a worker does; its rows as stored."""
    data = RefreshRun.objects.values_list("fitted", flat=True).get(pk=run.pk)
    fitted = FittedModels.from_bytes(bytes(data))
    chunk = run.chunks.get()
    table = score_chunk(fitted, AS_OF, chunk.first_id, chunk.last_id)
    rows = score_rows(table, AS_OF, timezone.now(), fitted.versions)
    assert staging.stage_rows(run.pk, chunk.first_id, chunk.last_id, rows) == len(table) > 0
    stored = StagedScore.objects.filter(run=run).values_list("customer_id", *STORED)
    return {row[0]: row[1:] for row in stored}


def test_a_chunk_stores_what_rendering_each_customers_reasons_one_by_one_stores(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    run = start(django_capture_on_commit_callbacks, chunk_size=10_000_000)
    assert len(held_chunks) == 1
    fast = _staged_chunk(run)
    # The path before the phrases were rendered once: a Reason per customer, rendered row by row.
    monkeypatch.setattr(PropensityModel, "rendered_explanations", PropensityModel.explanations)
    one_by_one = _staged_chunk(run)
    assert fast == one_by_one
    churn, explanations = STORED.index("churn_reasons"), STORED.index("explanations")
    stored = next(row for row in fast.values() if row[churn])
    assert set(stored[explanations]) >= {"churn", "propensity", "cluster"}
    assert Reason.from_json(stored[explanations]["churn"]).english() == stored[churn]
