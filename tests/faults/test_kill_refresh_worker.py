"""A Celery worker killed with SIGKILL in the middle of a fan-out refresh, then restarted: the
previous scores stay whole meanwhile, no chunk stays ``running``, and the run finishes with
exactly the scores an undisturbed run gives (checksum)."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence import refresh
from smartcrm.intelligence.models import ChunkStatus, CustomerScore, RefreshChunk, RefreshRun, RefreshStatus
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.synth.spec import ShopSpec
from tests.celery_worker import redis_broker, start_worker, stop
from tests.faults.processes import ON_POSTGRES, kill_mid_run, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
REDIS_URL = os.environ.get("SMARTCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHECKED = ("customer_id", "segment", "cluster", "clv_12m", "churn_risk", "propensity_30d", "next_category")


def checksum() -> str:
    rows = CustomerScore.objects.order_by("customer_id").values_list(*CHECKED)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_a_worker_killed_mid_refresh_leaves_no_partial_scores_and_the_rerun_matches(
    settings: Any, tmp_path: Path, processes: list[Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()
    undisturbed = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=60)  # eager: inline
    assert RefreshRun.objects.get(pk=undisturbed.pk).status == RefreshStatus.DONE
    expected, scored = checksum(), CustomerScore.objects.count()
    CustomerScore.objects.update(churn_risk=None)  # yesterday's scores, told apart from the rerun's
    before = checksum()

    with redis_broker(REDIS_URL) as broker:  # from here the tasks go to Redis, not inline
        run_killed_and_restarted(tmp_path, broker, processes, before)
    assert CustomerScore.objects.count() == scored
    assert checksum() == expected
    assert ModelVersion.objects.filter(version=2, is_active=True).count() == 4


def run_killed_and_restarted(tmp_path: Path, broker: str, processes: list[Any], before: str) -> None:
    log = tmp_path / "worker.log"
    worker = start_worker(tmp_path / "data", log, broker, queues="bulk")
    processes.append(worker)
    run = refresh.start_refresh(actor="test", as_of=AS_OF, chunk_size=60)
    chunks = RefreshChunk.objects.filter(run_id=run.pk)
    kill_mid_run(run.pk, worker, log)
    assert checksum() == before  # nothing of the new generation is visible
    assert not ModelVersion.objects.filter(version=2, is_active=True).exists()

    restarted = start_worker(tmp_path / "data", log, broker, queues="bulk")  # sweeps on start
    processes.append(restarted)

    def finished() -> bool:
        return RefreshRun.objects.filter(pk=run.pk, status=RefreshStatus.DONE).exists()

    wait_until(finished, timeout=600, process=restarted, log=log, what="the refresh switched in")
    stop(restarted)
    assert not chunks.exclude(status=ChunkStatus.DONE).exists()  # no stuck "running" chunk
    assert chunks.filter(attempts__gt=1).exists()  # the killed chunk ran again
