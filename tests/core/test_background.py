"""The embedded background runner: jobs run off the request on its threads, the request answers
at once, ``drain`` makes tests deterministic, and only the web server starts it."""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.core import background
from smartcrm.core.background import BackgroundRunner
from smartcrm.core.jobs import Job
from smartcrm.customers.models import Customer
from smartcrm.imports import jobs as import_jobs
from smartcrm.imports.models import ImportRun, ImportStatus
from tests.api.client import ApiClient


def test_a_started_runner_runs_jobs_on_its_threads_and_drain_waits_for_them(monkeypatch: Any) -> None:
    runner = BackgroundRunner(workers=2)
    job: Job[[int]] = Job("test.job")
    ran: list[tuple[int, str]] = []
    gate = threading.Event()

    def slow(n: int) -> None:
        gate.wait(5)
        ran.append((n, threading.current_thread().name))

    job.connect(slow)
    monkeypatch.setattr(background, "runner", runner)  # the process's runner, for Job.send
    runner.start()
    try:
        job.send(1)
        job.send(2)
        assert ran == []  # sent, not run: the caller goes on at once
        gate.set()
        runner.drain(timeout=10)
    finally:
        runner.stop()
    assert sorted(n for n, _ in ran) == [1, 2]
    assert all(name.startswith("smartcrm-job") for _, name in ran)


def test_a_failing_job_is_logged_by_name_and_type_without_its_message(caplog: Any) -> None:
    runner = BackgroundRunner(workers=1)
    runner.start()

    def fail() -> None:
        raise ValueError("bob@example.com is not a number")

    try:
        with caplog.at_level(logging.ERROR, logger="smartcrm.background"):
            runner.submit("test.fail", fail)
            runner.drain(timeout=10)
    finally:
        runner.stop()
    assert "test.fail failed with ValueError" in caplog.text
    assert "bob@example.com" not in caplog.text


def test_drain_gives_up_after_its_timeout() -> None:
    runner = BackgroundRunner(workers=1)
    runner.start()
    gate = threading.Event()
    try:
        runner.submit("test.stuck", lambda: gate.wait(5))
        with pytest.raises(TimeoutError, match="1 background jobs"):
            runner.drain(timeout=0.1)
    finally:
        gate.set()
        runner.stop()


def test_only_the_embedded_mode_starts_the_runner(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/12"
    assert background.start_embedded() is False
    settings.REDIS_URL, settings.SMARTCRM_BACKGROUND_THREADS = "", 0
    assert background.start_embedded() is False
    assert not background.runner.started


@pytest.mark.django_db(transaction=True)
def test_an_upload_answers_queued_before_its_import_runs_then_the_runner_finishes_it(
    make_user: Any, settings: Any, tmp_path: Any, background_runner: BackgroundRunner
) -> None:
    settings.MEDIA_ROOT = tmp_path
    from smartcrm.accounts.services import create_api_token

    user = make_user(Role.MANAGER)
    client = ApiClient(create_api_token(user=user, name="t")[1], user=user)
    # The import waits behind a gate that opens only after the request has answered: were the
    # job run inside the request, the request would wait for the gate and the test would fail.
    gate, order = threading.Event(), []
    task_path = "smartcrm.imports.tasks.run_import"

    def gated(run_id: int) -> None:
        assert gate.wait(10), "the import was run inside the request"
        order.append("import")
        from django.utils.module_loading import import_string

        import_string(task_path).delay(run_id)

    import_jobs.run_import.connect(gated)
    try:
        upload = io.BytesIO(b"external_id,first_name,email\nC1,Ann,ann@example.com\nC2,Bo,bo@example.com\n")
        upload.name = "c.csv"
        response = client.client.post("/api/v1/imports", {"kind": "customers", "file": upload})
        order.append("answered")
        gate.set()
        assert response.status_code == 201
        assert response.json()["status"] == ImportStatus.QUEUED
        background_runner.drain(timeout=30)
    finally:
        import_jobs.run_import.connect_task(task_path)
    assert order == ["answered", "import"]
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 2)
    assert Customer.objects.count() == 2


TICKS = threading.Semaphore(0)


def tick() -> None:
    """A periodic job for the test below (registered by its dotted path)."""
    TICKS.release()


def test_the_registered_periodic_jobs_run_again_and_again_only_with_periodic(monkeypatch: Any) -> None:
    monkeypatch.setattr(background, "_periodic", {})
    background.register_periodic("tick", "tests.core.test_background.tick", every=0.05)
    quiet = BackgroundRunner(workers=1)
    quiet.start()  # what the tests and commands do: no periodic jobs
    try:
        assert not TICKS.acquire(timeout=0.3)
    finally:
        quiet.stop()
    runner = BackgroundRunner(workers=1)
    runner.start(periodic=True)
    try:
        assert all(TICKS.acquire(timeout=5) for _ in range(3))  # ran, and ran again
    finally:
        runner.stop()


def test_the_sla_check_is_a_registered_periodic_job(settings: Any) -> None:
    path, every = background._periodic["sla-breaches"]
    assert path == "smartcrm.support.sla.check_breaches"
    assert every == settings.SMARTCRM_SLA_CHECK_SECONDS
    assert (
        settings.CELERY_BEAT_SCHEDULE["support-sla-breaches"]["task"] == "smartcrm.support.check_sla_breaches"
    )
