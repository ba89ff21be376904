"""``core.jobs.Job``: how services start background work without importing task modules."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.core.jobs import Job, JobNotConnected
from smartcrm.dedup import jobs as dedup_jobs
from smartcrm.imports import jobs as import_jobs
from smartcrm.integrations import jobs as integration_jobs
from smartcrm.textanalysis import jobs as textanalysis_jobs

# Every job an app declares (a new jobs.py adds its jobs here).
APP_JOBS: tuple[Job[...], ...] = (
    import_jobs.run_import,
    dedup_jobs.find_duplicates,
    dedup_jobs.check_customers,
    integration_jobs.process_inbound,
    integration_jobs.deliver_webhook,
    textanalysis_jobs.analyse_texts,
)


def test_a_job_sends_through_what_it_was_connected_to() -> None:
    job: Job[[int]] = Job("test.job")
    with pytest.raises(JobNotConnected, match=r"test\.job"):
        job.send(1)
    sent: list[int] = []
    job.connect(sent.append)
    job.send(7)
    assert sent == [7]
    assert "test.job" in repr(job)


class _RecordingTask:
    """Stands in for a Celery task: what a job connected by path calls is its ``delay``."""

    sent: list[tuple[int, ...]] = []

    @classmethod
    def delay(cls, *args: int) -> None:
        cls.sent.append(args)


def test_a_job_connected_by_path_imports_its_task_at_the_first_send() -> None:
    job: Job[[int]] = Job("test.job")
    job.connect_task("tests.core.test_jobs._RecordingTask")
    assert job.connected
    _RecordingTask.sent.clear()
    job.send(5)
    job.send(6)
    assert _RecordingTask.sent == [(5,), (6,)]
    broken: Job[[int]] = Job("test.broken")
    broken.connect_task("tests.core.test_jobs.NoSuchTask")
    with pytest.raises(ImportError):
        broken.send(1)


def test_the_connected_paths_name_celery_tasks() -> None:
    from celery import Task
    from django.utils.module_loading import import_string

    for job in APP_JOBS:
        assert job._task_path is not None, job
        assert isinstance(import_string(job._task_path), Task), job


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
    for job in APP_JOBS:
        assert job.connected, job
