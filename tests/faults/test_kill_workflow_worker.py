"""A Celery worker on Redis running workflow runs that send emails (the automation outbox) is
killed with SIGKILL twice: once while it works through the runs, once while it hands their
emails to a real SMTP server. Restarted each time (a starting worker sweeps the runs its dead
predecessor left), it ends with every email received exactly once: 0 duplicates, 0 lost.

Redis hands an unacknowledged task back only after its visibility timeout (an hour): what the
dead worker held comes back through the stale-run sweeper, which a starting worker runs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartcrm.automation import services
from smartcrm.automation.models import Outbox, OutboxStatus, RunStatus, WorkflowRun
from tests.campaigns.conftest import Inbox, customer
from tests.celery_worker import redis_broker, start_worker
from tests.faults.processes import ON_POSTGRES, kill9, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/12"
CUSTOMERS = 90
LEASE = 2  # seconds: a dead worker's claim on an email is taken over after this
EMAIL = {"action": "send_email", "transactional": True}


@pytest.fixture
def broker() -> Iterator[str]:
    with redis_broker(REDIS_URL) as url:
        yield url


def test_a_worker_killed_mid_runs_and_mid_send_sends_each_email_once(
    smtp: Inbox, broker: str, tmp_path: Path, processes: list[Any]
) -> None:
    ids = [customer(first_name=f"W{i}").pk for i in range(CUSTOMERS)]
    steps = [
        {**EMAIL, "subject": {"en": "One {{ first_name }}"}, "body": {"en": "First."}},
        {"action": "add_tag", "tag": "between"},
        {**EMAIL, "subject": {"en": "Two {{ first_name }}"}, "body": {"en": "Second."}},
    ]
    workflow = services.create_workflow(
        actor="test", name="two mails", trigger={"type": "manual"}, steps=steps, enabled=True
    )
    port = smtp.port  # type: ignore[attr-defined]
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "SMARTCRM_JOB_LEASE_SECONDS": str(LEASE)}
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "worker.log"

    def worker() -> Any:
        process = start_worker(data_dir, log, broker, **env)
        processes.append(process)
        return process

    services.start_manual(actor="test", workflow=workflow, customer_ids=ids)  # tasks to Redis
    first = worker()

    def some_runs_done() -> bool:
        return WorkflowRun.objects.filter(status=RunStatus.SUCCEEDED).count() >= CUSTOMERS // 3

    wait_until(some_runs_done, timeout=120, process=first, log=log, what="a third of the runs done")
    kill9(first)
    assert WorkflowRun.objects.exclude(status=RunStatus.SUCCEEDED).exists(), "killed too late"

    second = worker()

    def some_mails() -> bool:
        return len(smtp.mails) >= CUSTOMERS // 2

    wait_until(some_mails, timeout=120, process=second, log=log, what="some emails received")
    kill9(second)
    assert Outbox.objects.exclude(status=OutboxStatus.SENT).exists(), "killed too late"
    time.sleep(LEASE + 0.5)  # the claim of an email the dead worker was sending expires

    third = worker()

    def all_sent() -> bool:
        runs_done = WorkflowRun.objects.filter(status=RunStatus.SUCCEEDED).count() == CUSTOMERS
        return runs_done and not Outbox.objects.exclude(status=OutboxStatus.SENT).exists()

    wait_until(all_sent, timeout=180, process=third, log=log, what="every email sent")
    kill9(third)
    time.sleep(0.3)  # the server thread may still be storing the last mail
    expected = {
        f"<automation-{run}-{pos}@smartcrm>" for run, pos in Outbox.objects.values_list("run", "position")
    }
    received = Counter(str(mail["Message-ID"]) for mail in smtp.mails)
    duplicates = sum(n - 1 for n in received.values())
    lost = expected - set(received)
    assert len(expected) == 2 * CUSTOMERS
    assert (duplicates, len(lost)) == (0, 0), (duplicates, sorted(lost)[:5])
    print(f"\n2 SIGKILLs, {len(expected)} emails: 0 duplicates, 0 lost")
