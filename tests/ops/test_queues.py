"""Interactive and bulk work on separate Celery queues: a real worker on Redis takes only its own.

A worker started with ``--queues bulk`` runs a bulk task and leaves an interactive one waiting in
Redis; a worker on ``interactive`` then runs that one and leaves the next bulk task waiting.
Both tasks are cheap (a stale-run sweep, the retention rules on an empty shop).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery.result import AsyncResult, allow_join_result
from django.db import connection

from smartcrm.celery import app as celery_app
from smartcrm.core.queues import BULK, INTERACTIVE, queue_of
from smartcrm.core.tasks import sweep_stale_runs
from smartcrm.privacy.tasks import apply_retention
from tests.celery_worker import redis_broker, start_worker, stop

REDIS_URL = os.environ.get("SMARTCRM_TEST_QUEUES_REDIS_URL", "redis://127.0.0.1:6379/9")
TIMEOUT = 60.0


def test_tasks_are_routed_by_kind() -> None:
    assert queue_of("smartcrm.imports.run_import") == BULK
    assert queue_of("smartcrm.intelligence.refresh_scores") == BULK
    for step in ("refresh_run", "refresh_train", "refresh_chunk", "refresh_switch"):  # the fan-out
        assert queue_of(f"smartcrm.intelligence.{step}") == BULK
    assert queue_of("smartcrm.campaigns.send_campaign") == BULK
    assert queue_of("smartcrm.assistant.deliver_message") == INTERACTIVE
    assert queue_of("smartcrm.integrations.deliver_webhook") == INTERACTIVE
    assert queue_of("smartcrm.textanalysis.analyse") == INTERACTIVE


def test_the_worker_limits_reach_celery(settings: Any) -> None:
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.broker_transport_options["visibility_timeout"] == settings.SMARTCRM_CELERY_VISIBILITY_TIMEOUT
    assert conf.worker_max_memory_per_child == 2048 * 1024  # KiB
    assert conf.worker_max_tasks_per_child == 200
    assert [q.name for q in conf.task_queues] == [INTERACTIVE, BULK]
    # What beat sends is routed like the rest: the nightly refresh is bulk work.
    assert celery_app.amqp.router.route({}, "smartcrm.intelligence.refresh_scores")["queue"].name == BULK


@pytest.fixture
def broker() -> Iterator[str]:
    with redis_broker(REDIS_URL) as url:
        yield url


def _wait(result: AsyncResult, worker_log: Path) -> object:
    deadline = time.monotonic() + TIMEOUT
    while not result.ready():
        assert time.monotonic() < deadline, f"no result within {TIMEOUT}s:\n{worker_log.read_text()}"
        time.sleep(0.2)
    with allow_join_result():
        return result.get(timeout=5)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_only_the_queues_it_is_given(broker: str, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see the in-memory SQLite test database")
    waiting = redis.Redis.from_url(broker)
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    interactive = sweep_stale_runs.delay()
    bulk = apply_retention.delay()
    assert (waiting.llen(INTERACTIVE), waiting.llen(BULK)) == (1, 1)
    log = tmp_path / "bulk.log"
    worker = start_worker(data_dir, log, broker, queues=BULK)
    try:
        assert isinstance(_wait(bulk, log), dict)
        time.sleep(1.0)  # room to take the interactive task, were it wrongly consuming that queue
        assert not interactive.ready()
        assert waiting.llen(INTERACTIVE) == 1
    finally:
        stop(worker)

    second_bulk = apply_retention.delay()
    log = tmp_path / "interactive.log"
    worker = start_worker(data_dir, log, broker, queues=INTERACTIVE)
    try:
        assert isinstance(_wait(interactive, log), dict)
        time.sleep(1.0)
        assert not second_bulk.ready()
        assert (waiting.llen(INTERACTIVE), waiting.llen(BULK)) == (0, 1)
    finally:
        stop(worker)
        waiting.close()
