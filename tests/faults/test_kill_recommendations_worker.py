"""A Celery worker killed with SIGKILL in the middle of a fan-out recommendations run, then
restarted: the previous recommendations stay whole meanwhile, no chunk stays ``running``, and
the run finishes with exactly the top-N an undisturbed run gives (checksum)."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence import refresh
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.recommendations.models import CustomerRecommendation, StagedRecommendation
from smartcrm.synth.spec import ShopSpec
from tests.celery_worker import redis_broker, start_worker, stop
from tests.faults.processes import ON_POSTGRES, kill_mid_run, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
REDIS_URL = os.environ.get("SMARTCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def checksum() -> str:
    rows = CustomerRecommendation.objects.order_by("customer_id", "rank").values_list(
        "customer_id", "rank", "product_id", "source", "reason_code", "reason_params", "score"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_a_worker_killed_mid_recommendations_leaves_the_previous_top_n_and_the_rerun_matches(
    settings: Any, tmp_path: Path, processes: list[Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    ShopLoader(ShopSpec(n_customers=1_000, seed=5, end=END, n_products=120), progress=False).run()
    undisturbed = refresh.start_refresh(
        actor="test", as_of=AS_OF, chunk_size=80, kind=RunKind.RECOMMENDATIONS
    )  # eager: inline
    assert RefreshRun.objects.get(pk=undisturbed.pk).status == RefreshStatus.DONE
    expected = checksum()
    CustomerRecommendation.objects.update(reason_code="yesterday")
    before = checksum()

    with redis_broker(REDIS_URL) as broker:  # from here the tasks go to Redis, not inline
        log = tmp_path / "worker.log"
        worker = start_worker(tmp_path / "data", log, broker, queues="bulk")
        processes.append(worker)
        run = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=80, kind=RunKind.RECOMMENDATIONS)
        chunks = RefreshChunk.objects.filter(run_id=run.pk)
        kill_mid_run(run.pk, worker, log)
        assert checksum() == before  # nothing of the new generation is visible
        assert StagedRecommendation.objects.filter(run=run).exists()
        assert not ModelVersion.objects.filter(version=3, is_active=True).exists()

        restarted = start_worker(tmp_path / "data", log, broker, queues="bulk")  # sweeps on start
        processes.append(restarted)

        def finished() -> bool:
            return RefreshRun.objects.filter(pk=run.pk, status=RefreshStatus.DONE).exists()

        wait_until(finished, timeout=600, process=restarted, log=log, what="the run switched in")
        stop(restarted)
    assert not chunks.exclude(status=ChunkStatus.DONE).exists()  # no stuck "running" chunk
    assert chunks.filter(attempts__gt=1).exists()  # the killed chunk ran again
    assert checksum() == expected
    assert not StagedRecommendation.objects.exists()
    assert dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version")) == {
        "recommendations": 2,
        "basket_rules": 2,
    }
