"""A Celery worker killed with SIGKILL in the middle of a fan-out de-duplication run, then
restarted: the review queue shows nothing of the run meanwhile, no chunk stays ``running``, and
the run finishes with exactly the pairs an undisturbed run stores (checksum)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from smartcrm.dedup.models import DedupKey, DuplicatePair, StagedDuplicatePair
from smartcrm.evaluation.dedup_corpus import make_corpus
from smartcrm.intelligence import refresh
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind
from tests.celery_worker import redis_broker, start_worker, stop
from tests.dedup.test_find import load
from tests.faults.processes import ON_POSTGRES, kill_mid_run, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
REDIS_URL = os.environ.get("SMARTCRM_TEST_DEDUP_REDIS_URL", "redis://127.0.0.1:6379/11")


def checksum() -> str:
    rows = DuplicatePair.objects.order_by("left_id", "right_id").values_list(
        "left_id", "right_id", "probability", "evidence", "state"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_a_worker_killed_mid_dedup_leaves_the_review_queue_alone_and_the_rerun_matches(
    tmp_path: Path, processes: list[Any]
) -> None:
    load(make_corpus(customers=1_500, seed=8))
    undisturbed = refresh.start_refresh(actor="test", chunk_size=100, kind=RunKind.DEDUP)  # eager: inline
    assert RefreshRun.objects.get(pk=undisturbed.pk).status == RefreshStatus.DONE
    expected = checksum()
    assert DuplicatePair.objects.count() > 50
    DuplicatePair.objects.all().delete()  # an empty queue: anything the killed run shows is seen
    before = checksum()

    with redis_broker(REDIS_URL) as broker:  # from here the tasks go to Redis, not inline
        log = tmp_path / "worker.log"
        worker = start_worker(tmp_path / "data", log, broker, queues="bulk")
        processes.append(worker)
        run = refresh.start_refresh(actor="test", chunk_size=100, kind=RunKind.DEDUP)
        chunks = RefreshChunk.objects.filter(run_id=run.pk)
        kill_mid_run(run.pk, worker, log)
        assert checksum() == before  # nothing of the run is in the review queue
        assert StagedDuplicatePair.objects.filter(run=run).exists()

        restarted = start_worker(tmp_path / "data", log, broker, queues="bulk")  # sweeps on start
        processes.append(restarted)

        def finished() -> bool:
            return RefreshRun.objects.filter(pk=run.pk, status=RefreshStatus.DONE).exists()

        wait_until(finished, timeout=600, process=restarted, log=log, what="the run switched in")
        stop(restarted)
    assert not chunks.exclude(status=ChunkStatus.DONE).exists()  # no stuck "running" chunk
    assert chunks.filter(attempts__gt=1).exists()  # the killed chunk ran again
    assert checksum() == expected
    assert not StagedDuplicatePair.objects.exists() and not DedupKey.objects.exists()
