"""The background path, run inline (eager): ids in, idempotent, progress out; the task decorator."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from smartcrm.core.models import AuditEvent
from smartcrm.core.tasks import smartcrm_task
from smartcrm.customers.models import Customer
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.services import execute_run, queue_import
from smartcrm.imports.tasks import run_import

pytestmark = pytest.mark.django_db


def test_a_queued_run_is_imported_by_the_task(write_csv, django_capture_on_commit_callbacks) -> None:
    path = write_csv("external_id,first_name,email\nC1,Ada,ada@example.com\nC2,Bob,bad\n")
    with django_capture_on_commit_callbacks(execute=True):
        run = queue_import("customers", path, actor="test")
    run.refresh_from_db()
    assert (run.status, run.progress, run.file_path) == (ImportStatus.DONE, 100, str(path))
    assert (run.rows_total, run.rows_created, run.rows_failed) == (2, 1, 1)
    assert run.errors == [{"row": 3, "column": "email", "message": "Enter a valid email address."}]
    assert Customer.objects.count() == 1


def test_the_task_returns_counts_and_a_done_run_is_not_run_again(write_csv) -> None:
    path = write_csv("external_id,first_name\nC1,Ada\n")
    run = ImportRun.objects.create(kind="customers", file_name=path.name, file_path=str(path))
    outcome = run_import.delay(run.pk).get()
    assert outcome["status"] == "done"
    assert outcome["rows_created"] == 1
    events = AuditEvent.objects.count()
    again = run_import.delay(run.pk).get()
    assert again == outcome
    assert AuditEvent.objects.count() == events


def test_a_run_that_stopped_half_way_runs_again_from_the_start(write_csv) -> None:
    path = write_csv("external_id,first_name\nC1,Ada\nC2,Bob\n")
    run = ImportRun.objects.create(
        kind="customers",
        file_name=path.name,
        file_path=str(path),
        status=ImportStatus.RUNNING,
        rows_created=1,
    )
    run = execute_run(run.pk)
    assert (run.status, run.rows_created, run.rows_total) == ("done", 2, 2)


def test_an_unreadable_file_fails_the_run_with_its_reason(tmp_path) -> None:
    run = ImportRun.objects.create(
        kind="customers", file_name="gone.csv", file_path=str(tmp_path / "gone.csv")
    )
    run = execute_run(run.pk)
    assert run.status == ImportStatus.FAILED
    assert "No such file" in run.message
    assert AuditEvent.objects.get(action="import").changes["status"] == "failed"


def test_the_decorator_retries_on_operational_error_and_logs_no_arguments(caplog) -> None:
    calls: list[int] = []

    @smartcrm_task(name="tests.flaky")
    def flaky(self, customer_email: str) -> str:  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("could not connect: secret@example.com")
        return "ok"

    with caplog.at_level(logging.INFO, logger="smartcrm.tasks"):
        # throw=False lets an eager run retry the way a worker would (instead of raising Retry).
        assert flaky.apply(args=["secret@example.com"], throw=False).get() == "ok"
    assert len(calls) == 2
    assert "tests.flaky" in caplog.text
    assert "hit OperationalError" in caplog.text
    assert "done" in caplog.text
    assert "secret@example.com" not in caplog.text
