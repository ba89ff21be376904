"""The production job path, for real: a Celery worker process on Redis runs an import by id.

The worker is a separate process, so it must see what the test wrote: the test commits
(``transaction=True``) to the PostgreSQL test database and hands the worker that database's
URL and the same encryption keys. On SQLite the test database is not shareable, so it skips.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.db import connection

from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_external_id
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.tasks import run_import
from tests.celery_worker import redis_broker, start_worker, stop

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

# A Redis database of its own, flushed before and after, so no other test or app shares it.
REDIS_URL = os.environ.get("SMARTCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY = Path(sys.executable).with_name("celery")
REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0
ROWS = 700  # two batches of the import, so progress is saved more than once


@pytest.fixture
def broker() -> Iterator[str]:
    with redis_broker(REDIS_URL) as url:
        yield url


def test_a_worker_on_redis_imports_a_file_by_run_id(broker: str, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see the in-memory SQLite test database")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = tmp_path / "customers.csv"
    lines = "".join(f"C{i},Name{i},Family,person{i}@example.com\n" for i in range(ROWS))
    path.write_text("external_id,first_name,last_name,email\n" + lines + "C-bad,Bad,Row,not-an-email\n")
    run = ImportRun.objects.create(kind="customers", file_name=path.name, file_path=str(path))

    log = tmp_path / "worker.log"
    worker = start_worker(data_dir, log, broker)
    try:
        result = run_import.delay(run.pk)
        deadline = time.monotonic() + TIMEOUT
        while not result.ready():
            assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no result within {TIMEOUT}s:\n{log.read_text()}"
            time.sleep(0.2)
        # celery's "may I block on a result?" flag is process-wide: an eager task running in
        # another thread of this test process (a live server's request) denies it meanwhile.
        with allow_join_result():
            outcome = result.get(timeout=5)
    finally:
        stop(worker)

    assert outcome["status"] == ImportStatus.DONE
    run.refresh_from_db()
    assert (run.status, run.progress) == (ImportStatus.DONE, 100)
    assert (run.rows_total, run.rows_created, run.rows_failed) == (ROWS + 1, ROWS, 1)
    assert run.errors == [{"row": ROWS + 2, "column": "email", "message": "Enter a valid email address."}]
    assert Customer.objects.count() == ROWS
    # Written by the worker with the same keys: the test process decrypts it.
    customer = find_customer_by_external_id("import", "C7")
    assert customer is not None
    assert customer.email == "person7@example.com"
