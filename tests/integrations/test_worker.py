"""Outbound delivery on the production job path: a Celery worker process on Redis sends the
event, the receiver fails twice, and Celery's retries (countdown from our backoff) deliver it.

Same set-up as the other worker tests (tests/celery_worker.py): committed data in the PostgreSQL
test database, a worker with the same keys; skipped on SQLite and without Redis.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from smartcrm.integrations import outbound
from smartcrm.integrations.models import OutboundDelivery, OutboundStatus
from tests.celery_worker import redis_broker, start_worker, stop
from tests.integrations.receiver import Receiver, running

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BASE = 0.3
TIMEOUT = 60.0
SECRET = "whsec_worker_test_secret"
# A Redis database apart from tests/jobs' (15): with pytest -n 2 both may run at once, and each
# flushes its own.
REDIS_URL = os.environ.get("SMARTCRM_TEST_WEBHOOKS_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def webhook_broker() -> Iterator[str]:
    with redis_broker(REDIS_URL) as url:
        yield url


def test_a_worker_retries_a_failing_endpoint_with_backoff_until_it_succeeds(
    webhook_broker: str,
    tmp_path: Path,
    settings: Any,
    monkeypatch: Any,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see the in-memory SQLite test database")
    settings.SMARTCRM_WEBHOOKS_ALLOW_PRIVATE = True
    for name, value in {
        "SMARTCRM_WEBHOOKS_ALLOW_PRIVATE": "1",
        "SMARTCRM_WEBHOOK_RETRY_BASE": str(BASE),
        "SMARTCRM_WEBHOOK_MAX_ATTEMPTS": "5",
    }.items():
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "worker.log"
    with running(Receiver(secret=SECRET, script=[500, 500, 200])) as receiver:
        outbound.create_endpoint(actor="test", name="r", url=receiver.url, event_types=["*"], secret=SECRET)
        worker = start_worker(data_dir, log, webhook_broker)
        try:
            event = outbound.publish("thing.happened", {"id": 42})  # queued on commit (autocommit)
            assert event is not None
            delivery = OutboundDelivery.objects.get()
            deadline = time.monotonic() + TIMEOUT
            while delivery.status != OutboundStatus.SUCCEEDED:
                assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"not delivered within {TIMEOUT}s:\n{log.read_text()}"
                time.sleep(0.1)
                delivery.refresh_from_db()
        finally:
            stop(worker)
    assert (delivery.attempts, delivery.response_code) == (3, 200)
    assert len(receiver.requests) == 3
    assert all(r.signature_ok for r in receiver.requests)
    assert {json.loads(r.body)["id"] for r in receiver.requests} == {event.uid}
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= BASE / 2
    assert gaps[1] >= BASE  # the second retry waits twice as long (at least half of 2 × base)
