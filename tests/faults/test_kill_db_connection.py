"""The database connection of a running job terminated from PostgreSQL's side
(``pg_terminate_backend``, what a restarted or failed-over server does to its clients): an
import in a thread ends ``failed`` with its committed batches consistent with its resume point
and resumes to exactly the file's rows; ``smartcrm train`` ends ``failed`` with the registry and
every score still on the previous training's versions."""

from __future__ import annotations

import csv
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Customer
from smartcrm.dedup import jobs as dedup_jobs
from smartcrm.demo.loader import ShopLoader
from smartcrm.imports import jobs as import_jobs
from smartcrm.imports import services, wizard
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.intelligence.models import CustomerScore, RefreshRun, RefreshStatus
from smartcrm.intelligence.training import train
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.synth.spec import ShopSpec
from tests.celery_worker import process_env
from tests.faults.processes import ON_POSTGRES, start, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.django_db(transaction=True)]
ROWS = 5_000
KILL_AFTER_ROW = 1_000
END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
FIRST = {"clv": 1, "churn": 1, "propensity_30d": 1, "category_propensity": 1}


def terminate_other_backends() -> int:
    """Terminate every connection to the test database but the test's own; how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def queued() -> Any:
    """Import runs are queued to this list (run by the test), and nothing starts a dedup run."""
    sent: list[int] = []
    import_jobs.run_import.connect(sent.append)
    dedup_jobs.find_duplicates.connect(lambda run_id: None)
    yield sent
    import_jobs.run_import.connect_task("smartcrm.imports.tasks.run_import")
    dedup_jobs.find_duplicates.connect_task("smartcrm.dedup.tasks.find_duplicates_task")


def test_an_import_whose_connection_is_terminated_fails_consistently_and_resumes_exactly(
    make_user: Any, tmp_path: Path, queued: list[int]
) -> None:
    path = tmp_path / "customers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "first_name", "last_name", "email", "country"])
        writer.writerows([f"D{i}", f"First{i}", "Dbkill", f"d{i}@example.com", "US"] for i in range(ROWS))
    user = make_user(Role.MANAGER)
    run = services.queue_import("customers", path, actor=user)
    assert queued == [run.pk]
    raised: list[BaseException] = []

    def execute() -> None:
        try:
            services.execute_run(run.pk)
        except BaseException as exc:
            raised.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=execute, daemon=True)
    worker.start()
    deadline = time.monotonic() + 120
    while not ImportRun.objects.filter(pk=run.pk, last_row__gte=KILL_AFTER_ROW).exists():
        assert worker.is_alive() and time.monotonic() < deadline, "the import ended before the kill"
        time.sleep(0.02)
    assert terminate_other_backends() >= 1
    worker.join(timeout=60)
    assert not worker.is_alive(), "the import did not end after losing its connection"

    run.refresh_from_db()
    kept = Customer.objects.count()
    assert raised and run.status == ImportStatus.FAILED, (raised, run.status, run.message)
    assert "database connection was lost" in run.message and "Resume" in run.message
    assert 0 < kept < ROWS, f"killed too late to prove anything: {kept}"
    # The committed batches, their counts and the resume point agree: row 1 is the header.
    assert run.rows_created == kept == run.last_row - 1
    assert set(Customer.objects.values_list("first_name", flat=True)) == {f"First{i}" for i in range(kept)}

    wizard.resume_run(run, actor=user)
    assert queued == [run.pk, run.pk]
    services.execute_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.rows_failed) == (ImportStatus.DONE, ROWS, 0)
    assert Customer.objects.count() == Customer.objects.values("first_name").distinct().count() == ROWS
    print(f"\nconnection terminated with {kept} of {ROWS} rows committed; resumed to {ROWS}")


def test_train_whose_connection_is_terminated_fails_and_leaves_the_previous_versions(
    settings: Any, tmp_path: Path, processes: list[Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()
    train(as_of=AS_OF, actor="test")
    log = tmp_path / "train.log"
    trainer = start(["train", "--as-of", AS_OF.isoformat()], process_env(tmp_path / "data"), log)
    processes.append(trainer)

    def staged() -> bool:
        return ModelVersion.objects.filter(version=2).exists()

    wait_until(staged, timeout=180, process=trainer, log=log, what="a staged second version")
    assert terminate_other_backends() >= 1
    assert trainer.wait(timeout=120) != 0, log.read_text()[-4000:]

    second = set(ModelVersion.objects.filter(version=2).values_list("kind", flat=True))
    assert second != set(FIRST), f"killed too late to prove anything: {second}"
    assert dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version")) == FIRST
    assert {
        tuple(sorted(v.items())) for v in CustomerScore.objects.values_list("model_versions", flat=True)
    } == {tuple(sorted(FIRST.items()))}
    failed = RefreshRun.objects.get()  # `smartcrm train` is a fan-out refresh run
    assert failed.status == RefreshStatus.FAILED, (failed.status, failed.message)
    assert "database connection was lost" in failed.message and "previous training" in failed.message
