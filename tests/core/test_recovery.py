"""Heartbeats and the stale-run sweeper: a run whose worker died is found (by its silence, or at
once when its process on this host is gone) and marked or sent again; a live one is left alone."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartcrm.campaigns import jobs as campaign_jobs
from smartcrm.campaigns.models import Campaign, CampaignSend, CampaignStatus
from smartcrm.core import heartbeat, recovery
from smartcrm.core.errors import ServiceValidationError
from smartcrm.dedup import services as dedup_services
from smartcrm.dedup.models import DedupRun, RunState
from smartcrm.imports import wizard
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.intelligence.models import TrainingRun, TrainingStatus
from tests.factories import CustomerFactory


def _dead_worker() -> str:
    """The id of a process of this host that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return f"{heartbeat.HOST}:{child.pid}"


def test_a_worker_is_gone_only_when_its_process_on_this_host_is() -> None:
    assert heartbeat.process_gone(_dead_worker())
    assert not heartbeat.process_gone(heartbeat.worker_id())
    assert not heartbeat.process_gone("another-host:1")  # judged by the lease alone
    now = timezone.now()
    assert not heartbeat.is_stale(now, heartbeat.worker_id(), now)
    assert heartbeat.is_stale(now - heartbeat.lease() - timedelta(seconds=1), heartbeat.worker_id(), now)
    assert heartbeat.is_stale(now, _dead_worker(), now)
    assert heartbeat.is_stale(None, "", now)


def test_every_app_with_long_runs_registers_a_recoverer() -> None:
    assert set(recovery.registered()) == {
        "imports",
        "dedup",
        "campaigns",
        "workflows",
        "training",
        "refresh",
        "webhooks",
        "attachments",
        "sla-recompute",
    }


@pytest.mark.django_db
def test_a_dead_workers_import_is_interrupted_and_can_be_resumed_a_live_one_is_left(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    dead = ImportRun.objects.create(
        kind="customers", file_name="a.csv", status=ImportStatus.RUNNING, last_row=501,
        worker=_dead_worker(), heartbeat_at=now,
    )  # fmt: skip
    silent = ImportRun.objects.create(
        kind="customers", file_name="b.csv", status=ImportStatus.RUNNING, worker="elsewhere:7",
        heartbeat_at=now - heartbeat.lease() - timedelta(seconds=5),
    )  # fmt: skip
    live = ImportRun.objects.create(
        kind="customers", file_name="c.csv", status=ImportStatus.RUNNING, worker=heartbeat.worker_id(),
        heartbeat_at=now,
    )  # fmt: skip
    assert recovery.sweep(now)["imports"] == 2
    dead.refresh_from_db()
    silent.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, silent.status, live.status) == ("interrupted", "interrupted", "running")
    assert "rows up to file row 501 are kept" in dead.message and "Resume" in dead.message
    assert recovery.sweep(now)["imports"] == 0  # once
    with django_capture_on_commit_callbacks(execute=False) as started:
        resumed = wizard.resume_run(dead, actor="test")
    assert (resumed.status, len(started)) == (ImportStatus.QUEUED, 1)
    cancelled = wizard.cancel_run(silent, actor="test")
    assert cancelled.status == ImportStatus.CANCELLED
    with pytest.raises(ServiceValidationError, match="cancelled, failed or interrupted"):
        wizard.resume_run(live, actor="test")


@pytest.mark.django_db
def test_dead_dedup_and_training_runs_are_interrupted_and_a_dead_campaign_is_sent_on(
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    dedup = DedupRun.objects.create(started_at=now, worker=_dead_worker(), heartbeat_at=now)
    queued = DedupRun.objects.create(started_at=now)  # its job may still be in the queue
    training = TrainingRun.objects.create(as_of=now.date(), worker=_dead_worker(), heartbeat_at=now)
    campaign = Campaign.objects.create(
        key="k", name="c", status=CampaignStatus.SENDING, saved_filter={"country": "US"}, started_at=now,
        worker=_dead_worker(), heartbeat_at=now,
    )  # fmt: skip
    CampaignSend.objects.create(campaign=campaign, customer=CustomerFactory())
    sent: list[int] = []
    campaign_jobs.send_campaign.connect(sent.append)
    try:
        found = recovery.sweep(now)
    finally:
        campaign_jobs.send_campaign.connect_task("smartcrm.campaigns.tasks.send_campaign")
    assert (found["dedup"], found["training"], found["campaigns"]) == (1, 1, 1)
    assert sent == [campaign.pk]
    dedup.refresh_from_db()
    queued.refresh_from_db()
    assert (dedup.state, queued.state) == (RunState.INTERRUPTED, RunState.RUNNING)
    assert TrainingRun.objects.get(pk=training.pk).status == TrainingStatus.INTERRUPTED
    with django_capture_on_commit_callbacks(execute=False) as started:
        assert dedup_services.resume_run(actor="test", run_id=dedup.pk).state == RunState.RUNNING
    assert len(started) == 1
    assert recovery.sweep(now)["campaigns"] == 0  # taken by the first sweep


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_until_it_ends(settings: Any) -> None:
    settings.SMARTCRM_JOB_LEASE_SECONDS = 0.4  # a beat every 0.1 s
    run = ImportRun.objects.create(kind="customers", file_name="a.csv", status=ImportStatus.RUNNING)
    with heartbeat.beating(ImportRun, run.pk):
        run.refresh_from_db()
        first = run.heartbeat_at
        assert run.worker == heartbeat.worker_id() and first is not None
        time.sleep(0.5)
        run.refresh_from_db()
        assert run.heartbeat_at is not None and run.heartbeat_at > first
    last = ImportRun.objects.get(pk=run.pk).heartbeat_at
    time.sleep(0.3)
    assert ImportRun.objects.get(pk=run.pk).heartbeat_at == last  # stopped with the job


@pytest.mark.django_db
def test_the_recover_command_reports_each_kind(capsys: Any) -> None:
    call_command("recover")
    out = capsys.readouterr().out
    assert "imports: 0" in out and "training: 0" in out
