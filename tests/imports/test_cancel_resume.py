"""Cancel stops a running import between batches (the writing loop reads the flag), and resume
continues after the last committed batch: the file's rows, each once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smartcrm.customers.models import Customer
from smartcrm.imports import writing
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.services import execute_run
from smartcrm.imports.wizard import cancel_run, resume_run

pytestmark = pytest.mark.django_db
ROWS = 3 * writing.BATCH_ROWS + 7


def test_a_cancel_stops_the_running_import_after_its_batch_and_resume_finishes_it(
    write_csv: Callable[..., Path], django_capture_on_commit_callbacks: Any
) -> None:
    lines = ["external_id,first_name,email"] + [f"X{i},N{i},x{i}@example.com" for i in range(ROWS)]
    path = write_csv("\n".join(lines) + "\n")
    run = ImportRun.objects.create(kind="customers", file_name="x.csv", file_path=str(path))
    cancelled: list[int] = []

    def progress(done: int, total: int) -> None:
        if done and not cancelled:  # a person presses Cancel while the first batch commits
            cancelled.append(done)
            cancel_run(ImportRun.objects.get(pk=run.pk), actor="test")

    execute_run(run.pk, on_progress=progress)
    run.refresh_from_db()
    assert (run.status, run.last_row, run.rows_created) == (ImportStatus.CANCELLED, 501, writing.BATCH_ROWS)
    assert Customer.objects.count() == writing.BATCH_ROWS

    with django_capture_on_commit_callbacks() as started:
        resume_run(run, actor="test")
    for job in started:  # the resumed import (not the duplicates check it starts at its end)
        job()
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.rows_failed) == (ImportStatus.DONE, ROWS, 0)
    assert Customer.objects.count() == Customer.objects.values("email_hash").distinct().count() == ROWS
