"""``smartcrm generate``, ``demo`` (set-up only), ``worker`` and ``serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import Client, override_settings
from django.utils import timezone

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.automation.models import Outbox, RunStatus, TimedTrigger, Workflow, WorkflowRun
from smartcrm.campaigns.models import Campaign, CampaignStatus
from smartcrm.collaboration.models import Notification, NotificationKind
from smartcrm.core.mail_sink import start_sink
from smartcrm.customers.models import Customer
from smartcrm.demo import intent_default
from smartcrm.demo.setup import demo_password, login_table, prepare_demo
from smartcrm.engine.nlp import intent
from smartcrm.insights.models import Alert, StoredForecast
from smartcrm.orders.models import Order, Refund
from smartcrm.pipeline.models import SalesTarget
from smartcrm.readmodels.support_dashboard import support_dashboard
from smartcrm.support.models import SLABreach, Ticket
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from smartcrm.textanalysis.services import pending_ids
from tests.ports import free_port


def test_generate_end_to_end_then_refuses_without_append(db: Any) -> None:
    out = StringIO()
    args = ["--customers", "60", "--seed", "5", "--end-date", "2025-06-30", "--no-progress"]
    call_command("generate", *args, stdout=out, stderr=StringIO())
    assert Customer.objects.count() == 60
    assert "order lines/s" in out.getvalue()
    with pytest.raises(CommandError, match="--append"):
        call_command("generate", *args, stdout=StringIO(), stderr=StringIO())
    call_command("generate", *args, "--append", stdout=StringIO(), stderr=StringIO())
    assert Customer.objects.count() == 120


def test_generate_rejects_a_bad_date(db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("generate", "--end-date", "30/06/2025", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def quick_default_intent(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path, analyzer: Any
) -> Path:
    """Default models go to a fresh DATA_DIR; the intent default is the small analyzer's model
    (the real one generates a 10,000-customer shop to train on)."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(intent_default, "train_default_intent_model", lambda: analyzer.intent_model)
    return intent.default_intent_model_path(tmp_path)


def test_demo_setup_creates_a_login_per_role_and_reuses_the_shop(
    transactional_db: Any,
    settings: Any,
    tmp_path: Path,
    analyzer: Any,
    quick_default_intent: Path,
    mailoutbox: list[Any],
) -> None:
    """Committed like the real demo: the campaign sends and the workflows run after their commits."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    sink = start_sink(folder=tmp_path / "mail")
    assert sink is not None
    try:
        state = prepare_demo(customers=400, progress=False)
    finally:
        sink.stop()
    assert quick_default_intent.exists()  # the default intent model is trained at demo time
    # 400 generated, and the 8 new accounts of the planted fraud burst.
    assert state.generated is not None and Customer.objects.count() == 408
    # Forecasts with intervals and the anomaly alerts are there, the fraud burst among the alerts.
    assert set(StoredForecast.objects.values_list("grain", flat=True)) == {"week", "month"}
    burst = Order.objects.filter(customer__last_name__startswith="Account ").values_list("pk", flat=True)
    assert len(burst) == 8 and Alert.objects.filter(order_id__in=list(burst)).exists()
    assert Refund.objects.filter(reason="Defective", kind="return").exists()
    assert state.trained is not None and state.trained.customers_scored > 0
    texts = sum(len(pending_ids(kind, only_missing=False)) for kind in SourceKind)
    assert texts > 0 and state.texts_analysed == texts == TextAnalysis.objects.count()
    assert TextAnalysis.objects.filter(source_kind=SourceKind.REVIEW).exclude(sentiment="").exists()
    assert {x.role for x in state.logins} == set(Role)
    # The finished demo campaign: sent through the real path, its window closed, an effect planted.
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.SENT and campaign.started_at is not None
    assert campaign.started_at < timezone.now() - timedelta(days=campaign.attribution_days)
    assert campaign.sends.filter(in_control=True).exists() and campaign.sends.filter(status="sent").exists()
    mailed = campaign.sends.filter(status="sent").count()
    # The four workflows, enabled; the review requests the planted orders made due have run.
    assert Workflow.objects.filter(enabled=True).count() == 4
    review = Workflow.objects.get(name__startswith="Review request")
    planted = Order.objects.filter(number__startswith="DEMO-CAMPAIGN-").count()
    fired = TimedTrigger.objects.filter(workflow=review, fired_at__isnull=False).count()
    assert TimedTrigger.objects.filter(workflow=review).count() == planted > 0 and fired > 0
    assert WorkflowRun.objects.filter(workflow=review, status=RunStatus.SUCCEEDED).count() == fired
    reviews = Outbox.objects.filter(run__workflow=review, sent_at__isnull=False).count()
    # Some demo customers have birthdays; the birthday workflow has each one's next due time.
    with_birthday = Customer.objects.exclude(birthday=None).count()
    assert 0 < with_birthday == TimedTrigger.objects.filter(workflow__name="Birthday greeting").count()
    # Campaigns speak SMTP to the sink; workflows use Django's mail backend (locmem under test).
    assert len(list((tmp_path / "mail").glob("*.eml"))) == mailed
    assert reviews > 0 and len(mailoutbox) == reviews
    # SLA policies gave the tickets due times; some open ones missed them, up to five of them
    # the support login's, which was alerted about each; the sales targets are set.
    board = support_dashboard(timezone.localdate())
    assert board.breached_open > 0 and board.backlog > 0
    alerts = Notification.objects.filter(kind=NotificationKind.SLA_BREACH, recipient__username="support")
    assigned = Ticket.objects.filter(assignee__username="support")
    assert 0 < assigned.count() <= 5
    assert set(alerts.values_list("target_id", flat=True)) == set(assigned.values_list("pk", flat=True))
    breaches = SLABreach.objects.count()
    assert SalesTarget.objects.count() == 6
    for login in state.logins:
        client = Client()
        assert client.login(username=login.username, password=login.password)
        assert User.objects.get(username=login.username).role == login.role
        assert login.password == demo_password(login.role)
        assert login.password in login_table(state.logins)
    again = prepare_demo(customers=400, progress=False)
    assert again.generated is None and Customer.objects.count() == 408
    assert again.trained is None  # trained once; a second demo start reuses the models
    assert again.texts_analysed is None
    assert Campaign.objects.count() == 1
    assert SLABreach.objects.count() >= breaches  # only newly due ones added, nobody alerted twice
    assert not alerts.values("target_id", "detail").annotate(n=Count("id")).filter(n__gt=1).exists()
    # One scoped, expiring API token for the account pages, made once.
    token = ApiToken.objects.get()
    assert token.user.username == Role.ANALYST.value and token.expires_at is not None
    assert token.scopes == ["customers:read", "insights:read", "orders:read"]


def test_train_defaults_writes_the_intent_artifact_once(quick_default_intent: Path) -> None:
    out = StringIO()
    call_command("train_defaults", stdout=out)
    assert f"Wrote {quick_default_intent}" in out.getvalue()
    loaded = intent.load_default_intent_model(quick_default_intent.parent)
    assert not loaded.keywords_only_
    again = StringIO()
    call_command("train_defaults", stdout=again)
    assert "already trained" in again.getvalue()


@override_settings(REDIS_URL="")
def test_worker_refuses_without_redis() -> None:
    with pytest.raises(CommandError, match="REDIS_URL is not set"):
        call_command("worker")


def test_serve_starts_gunicorn_and_serves_the_login_page(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SMARTCRM_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    cli = Path(sys.executable).with_name("smartcrm")
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90  # migrations of a fresh database first; slow on a busy machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    assert response.status == 200
                    assert b"password" in response.read().lower()
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
