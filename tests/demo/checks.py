"""The demo set-up, built and checked once per database: by tests/demo/test_commands.py on SQLite
(the embedded default `make demo` uses) and by tests/browser/test_demo_screens.py on PostgreSQL,
which then looks at the screens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.automation.models import Outbox, RunStatus, TimedTrigger, Workflow, WorkflowRun
from smartcrm.campaigns.models import Campaign, CampaignStatus
from smartcrm.collaboration.models import Notification, NotificationKind
from smartcrm.core.mail_sink import start_sink
from smartcrm.customers.models import Customer
from smartcrm.demo.setup import DemoState, demo_password, login_table, prepare_demo
from smartcrm.insights.models import Alert, StoredForecast
from smartcrm.orders.models import Order, Refund
from smartcrm.pipeline.models import SalesTarget
from smartcrm.readmodels.support_dashboard import support_dashboard
from smartcrm.support.models import SLABreach, Ticket
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from smartcrm.textanalysis.services import pending_ids
from tests.ports import free_port

CUSTOMERS = 400


def build_demo(settings: Any, tmp_path: Path) -> DemoState:
    """The demo's own set-up on a small shop; its campaign mail goes to a sink in ``tmp_path/mail``."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    sink = start_sink(folder=tmp_path / "mail")
    assert sink is not None
    try:
        return prepare_demo(customers=CUSTOMERS, progress=False)
    finally:
        sink.stop()


def check_daily_forecast() -> None:
    """The demo's daily revenue forecast: 28 days after the shop's last, each with nested 80% and
    95% intervals around the mean (what the Insights page draws)."""
    days = list(StoredForecast.objects.filter(grain="day", series_key="revenue/total/all").order_by("day"))
    assert len(days) == 28
    assert timezone.localdate() <= days[0].day <= timezone.localdate() + timedelta(days=1)
    for row in days:
        assert 0 <= row.lo_95 <= row.lo_80 <= row.mean <= row.hi_80 <= row.hi_95
    assert any(row.hi_95 > row.lo_95 for row in days)
    assert StoredForecast.objects.filter(grain="day").values("series_key").distinct().count() > 1


def check_demo(state: DemoState, tmp_path: Path, quick_default_intent: Path, mailoutbox: list[Any]) -> None:
    """Everything the demo promises, then a second start that reuses it all."""
    assert quick_default_intent.exists()  # the default intent model is trained at demo time
    # 400 generated, and the 8 new accounts of the planted fraud burst.
    assert state.generated is not None and Customer.objects.count() == 408
    # Forecasts with intervals and the anomaly alerts are there, the fraud burst among the alerts.
    assert set(StoredForecast.objects.values_list("grain", flat=True)) == {"day", "week", "month"}
    check_daily_forecast()
    burst = Order.objects.filter(customer__last_name__startswith="Account ").values_list("pk", flat=True)
    assert len(burst) == 8 and Alert.objects.filter(order_id__in=list(burst)).exists()
    assert Refund.objects.filter(reason="Defective", kind="return").exists()
    # … and the refund spike three weeks ago, explained.
    three_weeks_ago = timezone.localdate() - timedelta(days=23)
    spike = Alert.objects.filter(metric="refund_rate", last_day__gte=three_weeks_ago)
    assert spike.exists() and all(alert.explanation for alert in spike)
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
    again = prepare_demo(customers=CUSTOMERS, progress=False)
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
