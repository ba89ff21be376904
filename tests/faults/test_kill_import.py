"""An import killed with its web server (SIGKILL to the whole gunicorn group) mid-run: the
upload had answered at once (the import runs on the server's background runner), the batches
before the kill are committed with the run's resume point, the sweeper marks the run
interrupted, and the resumed run ends with exactly the file's rows: none lost, none twice."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.core import heartbeat, recovery
from smartcrm.customers.models import Customer
from smartcrm.dedup import jobs as dedup_jobs
from smartcrm.imports import wizard
from smartcrm.imports.models import ImportRun, ImportStatus
from tests.celery_worker import process_env
from tests.faults.processes import ON_POSTGRES, kill9, start, wait_until
from tests.ports import free_port

pytestmark = [ON_POSTGRES, pytest.mark.django_db(transaction=True)]
ROWS = 5_000
KILL_AFTER_ROW = 1_000


def _customers_file(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "first_name", "last_name", "email", "country"])
        for i in range(ROWS):
            writer.writerow([f"K{i}", f"First{i}", "Killtest", f"k{i}@example.com", "US"])


def test_an_import_killed_with_its_server_is_interrupted_and_resumes_to_exactly_the_files_rows(
    make_user: Any, tmp_path: Path, processes: list[Any]
) -> None:
    path = tmp_path / "customers.csv"
    _customers_file(path)
    user = make_user(Role.MANAGER)
    token = create_api_token(user=user, name="kill test")[1]
    port, log = free_port(), tmp_path / "server.log"
    env = process_env(tmp_path / "data", SMARTCRM_BACKGROUND_THREADS="1")
    server = start(["serve", "--port", str(port), "--workers", "1", "--threads", "2"], env, log)
    processes.append(server)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            return requests.get(f"{base}/login/", timeout=5).status_code == 200
        except requests.RequestException:  # not up yet, or still loading the app
            return False

    wait_until(answering, timeout=60, process=server, log=log, what="server answering")
    started = time.monotonic()
    with path.open("rb") as upload:
        response = requests.post(
            f"{base}/api/v1/imports",
            headers={"Authorization": f"Bearer {token}"},
            data={"kind": "customers"},
            files={"file": ("customers.csv", upload, "text/csv")},
            timeout=30,
        )
    answered_in = time.monotonic() - started
    assert response.status_code == 201, response.text
    assert response.json()["status"] == ImportStatus.QUEUED
    assert answered_in < 10, f"the upload took {answered_in:.1f}s: was the import run in the request?"
    run_id = response.json()["id"]

    def some_rows_committed() -> bool:
        return ImportRun.objects.filter(pk=run_id, last_row__gte=KILL_AFTER_ROW).exists()

    wait_until(some_rows_committed, timeout=120, process=server, log=log, what=f"row {KILL_AFTER_ROW}")
    kill9(server)

    run = ImportRun.objects.get(pk=run_id)
    kept = Customer.objects.count()
    assert run.status == ImportStatus.RUNNING and 0 < kept < ROWS, (run.status, kept)
    # The resume point and the rows are committed together: the run counts exactly what is there.
    assert run.rows_created == kept
    deadline = time.monotonic() + 10  # the server's worker process dies with its group
    while not heartbeat.process_gone(run.worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recovery.sweep()["imports"] == 1  # its process is gone: no need to wait for the lease
    run.refresh_from_db()
    assert run.status == ImportStatus.INTERRUPTED and "Resume" in run.message

    # Runs inline here, after the commit; the duplicates check it starts is not this test's.
    dedup_jobs.find_duplicates.connect(lambda run_id: None)
    try:
        wizard.resume_run(run, actor=user)
    finally:
        dedup_jobs.find_duplicates.connect_task("smartcrm.dedup.tasks.find_duplicates_task")
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.rows_failed) == (ImportStatus.DONE, ROWS, 0)
    assert Customer.objects.count() == ROWS
    assert Customer.objects.values("first_name").distinct().count() == ROWS
    print(f"\nupload answered in {answered_in:.2f}s; killed with {kept} of {ROWS} rows committed")
