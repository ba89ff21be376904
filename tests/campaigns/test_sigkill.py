"""Exactly once for real: a worker process sending a campaign to a real SMTP server is killed
with SIGKILL mid-campaign (three times), then run again to the end. The server must have
received every treatment customer's email once: 0 duplicates, 0 lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from smartcrm.campaigns import jobs, services
from smartcrm.campaigns.models import CampaignSend, SendStatus
from tests.celery_worker import database_url

from .conftest import Inbox, customer

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[2]
CUSTOMERS = 400
KILLS = 3


def _worker(campaign_id: int, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DATABASE_URL": database_url(connection.settings_dict),
        "SMARTCRM_DATA_DIR": str(data_dir),
        "SMARTCRM_SECRET_KEY": settings.SECRET_KEY,
        "SMARTCRM_FIELD_KEYS": settings.SMARTCRM_FIELD_KEYS,
        "SMARTCRM_LOOKUP_KEY": settings.SMARTCRM_LOOKUP_KEY,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "SMARTCRM_CAMPAIGN_FROM_EMAIL": "news@shop.example",
        # The killed worker is known dead: its claims may be taken at once.
        "SMARTCRM_CAMPAIGN_CLAIM_SECONDS": "0",
    }
    env.pop("SMARTCRM_TEST_DB_NAME", None)
    command = [sys.executable, "-m", "smartcrm", "campaign-send", str(campaign_id)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database")
def test_a_worker_killed_mid_campaign_sends_no_duplicate_and_loses_none(smtp: Inbox, tmp_path: Path) -> None:
    for i in range(CUSTOMERS):
        customer(country="US", first_name=f"C{i}")
    jobs.send_campaign.connect(lambda campaign_id: None)  # this test starts the workers itself
    try:
        campaign = services.create_campaign(
            actor="test",
            values={
                "name": "Kill test",
                "saved_filter": {"country": "US"},
                "subject_en": "Hello {{ first_name }}",
                "body_en": "A note for {{ first_name }}.",
                "sends_per_minute": 12_000,
                "control_share": 0.1,
            },
        )
        services.schedule_campaign(actor="test", campaign=campaign)
    finally:
        jobs.send_campaign.connect_task("smartcrm.campaigns.tasks.send_campaign")
    treated = CampaignSend.objects.filter(campaign=campaign, in_control=False).count()
    port = smtp.port  # type: ignore[attr-defined]
    kills = 0
    for round_ in range(KILLS):
        worker = _worker(campaign.pk, port, tmp_path)
        target = (round_ + 1) * treated // (KILLS + 1)
        deadline = time.monotonic() + 60
        while len(smtp.mails) < target and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            kills += 1
        worker.wait(timeout=10)
    assert kills == KILLS, "the worker finished before it could be killed"
    assert 0 < len(smtp.mails) < treated
    last = _worker(campaign.pk, port, tmp_path)
    out, _ = last.communicate(timeout=120)
    assert last.returncode == 0, out.decode()
    time.sleep(0.3)  # the server thread may still be storing the last mail
    ids = Counter(str(m["Message-ID"]) for m in smtp.mails)
    duplicates = sum(n - 1 for n in ids.values())
    expected = {
        f"<smartcrm.c{campaign.pk}.s{pk}@shop.example>"
        for pk in CampaignSend.objects.filter(campaign=campaign, in_control=False).values_list(
            "pk", flat=True
        )
    }
    lost = len(expected - set(ids))
    missing = CampaignSend.objects.filter(campaign=campaign, in_control=False).exclude(
        pk__in=[int(i.split(".s")[1].split("@")[0]) for i in ids]
    )
    assert (duplicates, lost) == (0, 0), list(
        missing.values("pk", "status", "error", "claimed_at", "sent_at")
    )
    assert set(ids) == expected and len(smtp.recipients) == treated
    assert CampaignSend.objects.filter(campaign=campaign, status=SendStatus.SENT).count() == treated
