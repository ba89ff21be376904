"""``core.jobs.Job``: how services start background work without importing task modules."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.core.jobs import Job, JobNotConnected
from smartcrm.dedup import jobs as dedup_jobs
from smartcrm.imports import jobs as import_jobs
from smartcrm.integrations import jobs as integration_jobs
from smartcrm.textanalysis import jobs as textanalysis_jobs


def test_a_job_sends_through_what_it_was_connected_to() -> None:
    job: Job[[int]] = Job("test.job")
    with pytest.raises(JobNotConnected, match=r"test\.job"):
        job.send(1)
    sent: list[int] = []
    job.connect(sent.append)
    job.send(7)
    assert sent == [7]
    assert "test.job" in repr(job)


@pytest.mark.django_db
def test_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks: Any) -> None:
    job: Job[[int]] = Job("test.job")
    sent: list[int] = []
    job.connect(sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        job.on_commit(3)
        assert sent == []
    assert sent == [3]


def test_the_apps_connect_their_jobs_to_their_tasks() -> None:
    for job in (
        import_jobs.run_import,
        dedup_jobs.find_duplicates,
        dedup_jobs.check_customers,
        integration_jobs.process_inbound,
        integration_jobs.deliver_webhook,
        textanalysis_jobs.analyse_texts,
    ):
        assert job.connected, job
