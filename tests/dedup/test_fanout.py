"""De-duplication as a fan-out run, against the real database: the pairs stored are exactly the
single-process run's whatever the chunks, nothing reaches the review queue before the switch, a
chunk run twice stages its pairs once, and a chunk that failed, retried, gives the same pairs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smartcrm.dedup import fanout, services
from smartcrm.dedup.models import DedupKey, DedupRecord, DuplicatePair, PairState, StagedDuplicatePair
from smartcrm.engine.dedup.blocking import RULES
from smartcrm.evaluation.dedup_corpus import make_corpus
from smartcrm.intelligence import refresh, refresh_local, refresh_work
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind
from tests.dedup.test_find import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> dict[int, int]:
    return load(make_corpus(customers=1_200, seed=33))


def pairs() -> list[tuple[Any, ...]]:
    rows = DuplicatePair.objects.order_by("left_id", "right_id")
    return list(rows.values_list("left_id", "right_id", "probability", "evidence", "state"))


def single_process_pairs() -> list[tuple[Any, ...]]:
    services.find_duplicates(run_id=services.start_run(actor="test").pk)
    found = pairs()
    DuplicatePair.objects.all().delete()
    return found


@pytest.mark.parametrize("floor", ["review threshold", "every candidate"])
def test_in_chunks_the_pairs_are_exactly_the_single_process_runs(
    shop: dict[int, int], floor: str, monkeypatch: Any
) -> None:
    if floor == "every candidate":  # every candidate pair stored: the blocking itself compared
        model = copy.copy(services.deduplicator())
        model.review_threshold_ = 0.0
        monkeypatch.setattr(services, "deduplicator", lambda: model)
    expected = single_process_pairs()
    assert len(expected) > (5_000 if floor == "every candidate" else 50)

    run = refresh_local.run_here(actor="test", chunk_size=90, kind=RunKind.DEDUP)
    assert run.status == RefreshStatus.DONE, run.message
    chunks = run.chunks.all()
    assert set(chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}
    sorted_chunks = chunks.filter(source="sorted_name").count()
    assert sorted_chunks >= 10  # the name order is cut in many places, each one a boundary
    assert set(chunks.values_list("source", flat=True)) == {rule.name for rule in RULES}
    assert pairs() == expected  # same pairs, probabilities and evidence
    assert run.customers_scored == len(expected) == run.metrics["dedup"]["pairs_found"]
    assert run.sample_customers == len(shop)
    assert sum(run.chunks.values_list("rows", flat=True)) >= len(expected)  # two rules, one pair
    for table in (DedupKey, DedupRecord, StagedDuplicatePair):
        assert not table.objects.exists()  # the working set went with the switch


def test_decided_pairs_keep_their_decision_as_in_a_single_process_rerun(
    shop: dict[int, int], admin_user: Any
) -> None:
    expected = single_process_pairs()
    refresh_local.run_here(actor="test", chunk_size=300, kind=RunKind.DEDUP)
    rejected = DuplicatePair.objects.order_by("pk").first()
    assert rejected is not None
    services.reject_pair(actor=admin_user, pair_id=rejected.pk)
    again = refresh_local.run_here(actor="test", chunk_size=300, kind=RunKind.DEDUP)
    assert again.customers_scored == len(expected) - 1  # the rejected pair is not re-scored
    assert DuplicatePair.objects.get(pk=rejected.pk).state == PairState.REJECTED
    assert DuplicatePair.objects.count() == len(expected)


def test_nothing_shows_before_the_switch_a_chunk_twice_stages_once_and_a_failed_one_retries(
    shop: dict[int, int], held_chunks: list[int], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    expected = single_process_pairs()
    with django_capture_on_commit_callbacks(execute=True):
        run = refresh.start_refresh(actor="test", chunk_size=200, kind=RunKind.DEDUP)
    first, second, *others = held_chunks
    refresh_work.run_chunk(first)
    staged = StagedDuplicatePair.objects.filter(run=run)
    once = sorted(staged.values_list("chunk", "left_id", "right_id", "probability"))
    RefreshChunk.objects.filter(pk=first).update(status=ChunkStatus.PENDING)  # delivered again
    refresh_work.run_chunk(first)
    assert sorted(staged.values_list("chunk", "left_id", "right_id", "probability")) == once
    assert RefreshChunk.objects.get(pk=first).attempts == 2

    real = fanout.compare_levels

    def fails(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise ZeroDivisionError("compared, then the worker fell over")

    monkeypatch.setattr(fanout, "compare_levels", fails)
    with pytest.raises(ZeroDivisionError):
        refresh_work.run_chunk(second)
    monkeypatch.setattr(fanout, "compare_levels", real)
    for chunk_id in others:
        refresh_work.run_chunk(chunk_id)
    run.refresh_from_db()
    failed = RefreshChunk.objects.get(pk=second)
    assert run.status == RefreshStatus.FAILED and "Chunk 2 failed" in run.message
    assert failed.status == ChunkStatus.FAILED and "ZeroDivisionError" in failed.message
    assert not staged.filter(chunk=failed.number).exists()
    assert not DuplicatePair.objects.exists()  # the review queue has not changed

    held_chunks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refresh.retry(run_id=run.pk, actor="test")
    assert held_chunks == [second]
    refresh_work.run_chunk(second)
    run.refresh_from_db()
    assert run.status == RefreshStatus.DONE
    assert pairs() == expected


def test_a_cancelled_dedup_run_drops_its_working_set(
    shop: dict[int, int], held_chunks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = refresh.start_refresh(actor="test", chunk_size=400, kind=RunKind.DEDUP)
    assert DedupKey.objects.filter(run=run).exists() and DedupRecord.objects.filter(run=run).exists()
    for chunk_id in held_chunks[:3]:
        refresh_work.run_chunk(chunk_id)
    assert StagedDuplicatePair.objects.filter(run=run).exists()
    refresh.cancel(run_id=run.pk, actor="test")
    assert RefreshRun.objects.get(pk=run.pk).status == RefreshStatus.CANCELLED
    for table in (DedupKey, DedupRecord, StagedDuplicatePair):
        assert not table.objects.exists()
    assert not DuplicatePair.objects.exists()
