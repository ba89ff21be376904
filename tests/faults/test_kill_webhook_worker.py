"""A Celery worker on Redis delivering outbound webhooks to a real HTTP receiver is killed with
SIGKILL while a request is in flight. Restarted (a starting worker runs the stale-run sweeper),
it delivers every event: none lost, none left ``sending``, and the only duplicates are the
at-least-once kind, sent again with the same ``X-Smartcrm-Event-Id`` (the receiver's dedupe key)
because the dead worker never recorded the answer."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartcrm.integrations import outbound
from smartcrm.integrations.models import OutboundDelivery, OutboundStatus
from tests.celery_worker import redis_broker, start_worker
from tests.faults.processes import ON_POSTGRES, kill9, wait_until
from tests.integrations.receiver import Receiver, running

pytestmark = [ON_POSTGRES, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/8"
EVENTS = 30
KILL_AFTER = 10  # requests received
SECRET = "whsec_fault_test_secret"
LEASE, TIMEOUT = 1, 2  # seconds: a delivery left ``sending`` counts as lost after both
ENV = {
    "SMARTCRM_WEBHOOKS_ALLOW_PRIVATE": "1",
    "SMARTCRM_JOB_LEASE_SECONDS": str(LEASE),
    "SMARTCRM_WEBHOOK_TIMEOUT": str(TIMEOUT),
}


@pytest.fixture
def broker() -> Iterator[str]:
    with redis_broker(REDIS_URL) as url:
        yield url


def test_a_worker_killed_mid_delivery_delivers_every_event_at_least_once_with_its_id(
    broker: str, tmp_path: Path, settings: Any, processes: list[Any]
) -> None:
    settings.SMARTCRM_WEBHOOKS_ALLOW_PRIVATE = True
    settings.SMARTCRM_JOB_LEASE_SECONDS, settings.SMARTCRM_WEBHOOK_TIMEOUT = LEASE, TIMEOUT
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "worker.log"
    # Each answer takes 0.2 s: a kill right after a request arrives lands while it is in flight.
    with running(Receiver(secret=SECRET, delay=0.2)) as receiver:
        outbound.create_endpoint(actor="test", name="r", url=receiver.url, event_types=["*"], secret=SECRET)
        uids = set()
        for i in range(EVENTS):  # each queued to Redis as it commits (autocommit)
            event = outbound.publish("thing.happened", {"id": i})
            assert event is not None
            uids.add(event.uid)
        first = start_worker(data_dir, log, broker, **ENV)
        processes.append(first)
        wait_until(
            lambda: len(receiver.requests) >= KILL_AFTER,
            timeout=60,
            process=first,
            log=log,
            what=f"{KILL_AFTER} requests",
        )
        kill9(first)
        in_flight = OutboundDelivery.objects.filter(status=OutboundStatus.SENDING).count()
        assert in_flight == 1, f"not killed mid-request: {in_flight} deliveries sending"
        assert OutboundDelivery.objects.exclude(status=OutboundStatus.SUCCEEDED).count() > 1

        time.sleep(LEASE + TIMEOUT + 0.5)  # the dead worker's claim counts as lost
        second = start_worker(data_dir, log, broker, **ENV)
        processes.append(second)

        def all_delivered() -> bool:
            return not OutboundDelivery.objects.exclude(status=OutboundStatus.SUCCEEDED).exists()

        wait_until(all_delivered, timeout=120, process=second, log=log, what="every event delivered")
        kill9(second)

    assert all(r.signature_ok for r in receiver.requests)
    received = Counter(r.headers["X-Smartcrm-Event-Id"] for r in receiver.requests)
    duplicates = {uid: n for uid, n in received.items() if n > 1}
    assert set(received) == uids, f"lost: {sorted(uids - set(received))[:5]}"
    # At least once: only the request in flight at the kill is sent again, with the same ids.
    assert sum(n - 1 for n in duplicates.values()) <= in_flight, duplicates
    for uid in duplicates:
        deliveries = {
            r.headers["X-Smartcrm-Delivery"]
            for r in receiver.requests
            if r.headers["X-Smartcrm-Event-Id"] == uid
        }
        assert len(deliveries) == 1, deliveries
    print(f"\n1 SIGKILL, {EVENTS} events: 0 lost, {len(duplicates)} sent twice with the same event id")
