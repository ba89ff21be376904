"""The text backfill as a fan-out run (kind ``texts``): chunks of text ids that hold texts not
analysed yet, each chunk's analyses written with its ``done``; the same analyses as the
single-process ``analyse_pending``, progress on the run, and a chunk that failed, retried,
finishes the job without analysing anything twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from smartcrm.demo.loader import ShopLoader
from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.intelligence import refresh, refresh_local, refresh_work
from smartcrm.intelligence.models import ChunkStatus, RefreshRun, RefreshStatus, RunKind
from smartcrm.synth.spec import ShopSpec
from smartcrm.textanalysis import services
from smartcrm.textanalysis.models import SourceKind, TextAnalysis

END = date(2025, 6, 30)
COMPARED = (
    "source_kind",
    "source_id",
    "customer_id",
    "sentiment",
    "sentiment_score",
    "intent",
    "priority",
    "redacted",
)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop(analyzer: TextAnalyzer) -> None:
    ShopLoader(ShopSpec(n_customers=300, seed=5, end=END, n_products=60), progress=False).run()
    TextAnalysis.objects.all().delete()


def analyses() -> list[tuple[Any, ...]]:
    return list(TextAnalysis.objects.order_by("source_kind", "source_id").values_list(*COMPARED))


def test_the_backfill_in_chunks_analyses_what_the_single_process_pass_does(shop: None) -> None:
    analysed = services.analyse_pending()
    expected = analyses()
    assert analysed == len(expected) > 100
    TextAnalysis.objects.all().delete()

    run = refresh_local.run_here(actor="test", chunk_size=40, kind=RunKind.TEXTS)
    assert run.status == RefreshStatus.DONE, run.message
    assert analyses() == expected
    assert run.customers_scored == analysed == sum(run.chunks.values_list("rows", flat=True))
    assert set(run.chunks.values_list("source", flat=True)) == {k for k, *_ in expected}
    assert sum(run.metrics["analysed"].values()) == analysed

    again = refresh_local.run_here(actor="test", chunk_size=40, kind=RunKind.TEXTS)
    assert again.status == RefreshStatus.DONE and again.chunks.count() == 0  # nothing left: no chunk


def test_only_ranges_with_missing_texts_become_chunks_and_a_failed_chunk_is_retried(
    shop: None, held_chunks: list[int], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    services.analyse_pending()
    reviews = TextAnalysis.objects.filter(source_kind=SourceKind.REVIEW).order_by("source_id")
    missing = list(reviews.values_list("source_id", flat=True)[:5]) + list(
        reviews.values_list("source_id", flat=True)[60:63]
    )
    TextAnalysis.objects.filter(source_kind=SourceKind.REVIEW, source_id__in=missing).delete()
    stamped = dict(TextAnalysis.objects.values_list("pk", "analysed_at"))

    with django_capture_on_commit_callbacks(execute=True):
        run = refresh.start_refresh(
            actor="test", kind=RunKind.TEXTS, chunk_size=20, options={"kinds": ["review"]}
        )
    chunks = list(RefreshRun.objects.get(pk=run.pk).chunks.order_by("number"))
    assert len(chunks) == len(held_chunks) == len({(m - 1) // 20 for m in missing}) >= 2
    assert {c.source for c in chunks} == {SourceKind.REVIEW}
    assert chunks[0].first_id <= min(missing) <= chunks[0].last_id

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the analyser ran out of memory")

    monkeypatch.setattr(services, "analysed_rows", broken)
    with pytest.raises(RuntimeError):
        refresh_work.run_chunk(held_chunks[0])
    monkeypatch.undo()
    for chunk_id in held_chunks[1:]:
        refresh_work.run_chunk(chunk_id)
    run.refresh_from_db()
    assert run.status == RefreshStatus.FAILED
    assert run.chunks.filter(status=ChunkStatus.FAILED).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        refresh.retry(run_id=run.pk, actor="test")
    refresh_work.run_chunk(held_chunks[0])
    run.refresh_from_db()
    assert run.status == RefreshStatus.DONE and run.customers_scored == len(missing)
    assert set(
        TextAnalysis.objects.filter(source_kind=SourceKind.REVIEW, source_id__in=missing).values_list(
            "source_id", flat=True
        )
    ) == set(missing)
    unchanged = dict(TextAnalysis.objects.filter(pk__in=stamped).values_list("pk", "analysed_at"))
    assert unchanged == stamped  # nothing analysed twice
