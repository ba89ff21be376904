"""The dashboards per role: their figures from small fixtures (exact), the drill-down links
listing the records behind each figure, who may open which board, and the query budget."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.roles import CAPABILITIES, Capability, Role
from smartcrm.pipeline.models import Deal, SalesTarget, Stage
from smartcrm.readmodels.role_dashboards import NEEDS, Board
from smartcrm.readmodels.sales_dashboard import sales_dashboard
from smartcrm.readmodels.support_dashboard import support_dashboard
from smartcrm.support.models import BreachKind, SLABreach, Ticket, TicketStatus
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from smartcrm.web.role_dashboard_charts import sales_view, support_view
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class Pipeline:
    stages: dict[str, Stage]
    deals: dict[str, Deal]


@pytest.fixture
def pipeline() -> Pipeline:
    today = timezone.localdate()
    now = timezone.now()
    stages = {
        "qualified": factories.StageFactory(name="Qualified", position=0, probability=10),
        "proposal": factories.StageFactory(name="Proposal", position=1, probability=30),
        "won": factories.StageFactory(name="Won", position=2, probability=100, is_won=True),
        "lost": factories.StageFactory(name="Lost", position=3, probability=0, is_lost=True),
    }

    def deal(title: str, stage: str, value: int, **fields: Any) -> Deal:
        return factories.DealFactory(title=title, stage=stages[stage], value=Decimal(value), **fields)

    deals = {
        "a": deal("Closing small", "qualified", 1000, expected_close=today),
        "b": deal("Closing big", "proposal", 2000, expected_close=today),
        "c": deal("Overdue", "proposal", 4000, expected_close=today - timedelta(days=40)),
        "d": deal("Won now", "won", 5000, closed_at=now),
        "e": deal("Lost now", "lost", 700, closed_at=now),
        "f": deal("Forgotten", "qualified", 300),
    }
    Deal.objects.filter(pk=deals["f"].pk).update(updated_at=now - timedelta(days=20))
    SalesTarget.objects.create(month=today.replace(day=1), amount=Decimal(10000))
    return Pipeline(stages, deals)


def test_the_sales_figures(pipeline: Pipeline) -> None:
    figures = sales_dashboard(timezone.localdate())
    by_stage = {s.name: (s.deals, s.value, s.weighted_value) for s in figures.stages}
    assert by_stage == {
        "Qualified": (2, Decimal("1300.00"), Decimal("130.00")),
        "Proposal": (2, Decimal("6000.00"), Decimal("1800.00")),
    }
    assert (figures.won, figures.won_deals) == (Decimal("5000.00"), 1)
    assert (figures.weighted_open, figures.closing_deals) == (
        Decimal("700.00"),
        2,
    )  # 10% of 1000 + 30% of 2000
    assert figures.forecast == Decimal("5700.00")
    assert figures.target == Decimal("10000.00")
    assert figures.attainment == pytest.approx(0.57)
    assert (figures.at_risk_deals, figures.at_risk_value) == (2, Decimal("4300.00"))
    assert [d.title for d in figures.at_risk] == ["Overdue", "Forgotten"]


def _deal_titles(html: str) -> set[str]:
    return set(re.findall(r'<div class="deal-title"[^>]*>([^<]+)</div>', html))


def test_each_sales_figure_links_to_its_deals(pipeline: Pipeline, client_for: Any) -> None:
    client = client_for(Role.SALES)
    view = sales_view(sales_dashboard(timezone.localdate()))
    assert _deal_titles(client.get(view.at_risk_link).content.decode()) == {"Overdue", "Forgotten"}
    assert _deal_titles(client.get(view.forecast_link).content.decode()) == {
        "Closing small",
        "Closing big",
        "Won now",
        "Lost now",
    }
    assert _deal_titles(client.get(view.won_link).content.decode()) == {"Won now"}
    proposal = next(b.href for b in view.stage_chart.bars if b.label == "Proposal")
    assert _deal_titles(client.get(proposal).content.decode()) == {"Closing big", "Overdue"}


@dataclass
class Desk:
    tickets: dict[str, Ticket]


@pytest.fixture
def desk() -> Desk:
    now = timezone.now()

    def ticket(subject: str, status: str, priority: str, age: timedelta, **times: timedelta) -> Ticket:
        created = now - age
        fields = {name: created + offset for name, offset in times.items()}
        return factories.TicketFactory(
            subject=subject,
            status=status,
            priority=priority,
            created_at=created,
            last_message_at=created,
            **fields,
        )

    h = timedelta(hours=1)
    tickets = {
        "t1": ticket("Unanswered urgent", TicketStatus.OPEN, "urgent", 2 * h),
        "t2": ticket(
            "Waiting normal", TicketStatus.PENDING, "normal", timedelta(days=1), first_response_at=2 * h
        ),
        "t3": ticket(
            "Solved normal",
            TicketStatus.SOLVED,
            "normal",
            timedelta(days=3),
            first_response_at=4 * h,
            solved_at=10 * h,
        ),
        "t4": ticket(
            "Old closed",
            TicketStatus.CLOSED,
            "low",
            timedelta(days=40),
            first_response_at=100 * h,
            solved_at=200 * h,
        ),
        "t5": ticket("Old open high", TicketStatus.OPEN, "high", timedelta(days=50)),
        "t6": ticket("Old open urgent", TicketStatus.OPEN, "urgent", timedelta(days=45), first_response_at=h),
    }
    for key, kind in (
        ("t1", BreachKind.FIRST_RESPONSE),
        ("t3", BreachKind.RESOLUTION),
        ("t5", BreachKind.RESOLUTION),
    ):
        SLABreach.objects.create(ticket=tickets[key], kind=kind, due_at=now, detected_at=now)
    for sentiment, age in (("negative", 0), ("negative", 0), ("positive", 0), ("negative", 7)):
        TextAnalysis.objects.create(
            source_kind=SourceKind.TICKET,
            source_id=tickets["t1"].pk * 10 + TextAnalysis.objects.count(),
            customer=tickets["t1"].customer,
            text_created_at=now - timedelta(days=age),
            lang="en",
            sentiment=sentiment,
            sentiment_score=0.0,
            model_version="test",
            analysed_at=now,
        )
    return Desk(tickets)


def test_the_support_figures(desk: Desk) -> None:
    figures = support_dashboard(timezone.localdate())
    assert figures.backlog == 4
    assert {p.priority: p.tickets for p in figures.backlog_by_priority} == {
        "low": 0,
        "normal": 1,
        "high": 1,
        "urgent": 2,
    }
    assert figures.breached_open == 2
    assert (figures.created, figures.breached_created) == (3, 2)
    assert (figures.responded, figures.first_response_hours) == (2, 3.0)  # (2 h + 4 h) / 2
    assert (figures.resolved, figures.resolution_hours) == (1, 10.0)
    assert len(figures.sentiment) == 12
    this_week, last_week = figures.sentiment[-1], figures.sentiment[-2]
    assert (this_week.texts, this_week.negative) == (3, 2)
    assert (last_week.texts, last_week.negative) == (1, 1)
    assert sum(w.texts for w in figures.sentiment[:-2]) == 0


def _ticket_subjects(html: str) -> set[str]:
    return set(re.findall(r'<a class="row-link" href="[^"]+">([^<]+)</a>', html))


def test_each_support_figure_links_to_its_tickets(desk: Desk, client_for: Any) -> None:
    client = client_for(Role.SUPPORT)
    view = support_view(support_dashboard(timezone.localdate()))
    assert _ticket_subjects(client.get(view.backlog_link).content.decode()) == {
        "Unanswered urgent",
        "Waiting normal",
        "Old open high",
        "Old open urgent",
    }
    assert _ticket_subjects(client.get(view.breached_open_link).content.decode()) == {
        "Unanswered urgent",
        "Old open high",
    }
    assert _ticket_subjects(client.get(view.period_link).content.decode()) == {
        "Unanswered urgent",
        "Waiting normal",
        "Solved normal",
    }
    assert _ticket_subjects(client.get(view.breached_period_link).content.decode()) == {
        "Unanswered urgent",
        "Solved normal",
    }
    urgent = next(b.href for b in view.backlog_chart.bars if "urgent" in b.href)
    assert _ticket_subjects(client.get(urgent).content.decode()) == {"Unanswered urgent", "Old open urgent"}
    assert client.get(view.sentiment_chart.bars[-1].href).status_code == 200


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("board", list(Board))
def test_a_board_opens_for_the_roles_with_its_capability(client_for: Any, role: Role, board: Board) -> None:
    response = client_for(role).get(f"/dashboards/{board.value}/")
    assert response.status_code == (200 if NEEDS[board] in CAPABILITIES[role] else 403)


@pytest.mark.parametrize(
    ("role", "board"),
    [
        (Role.SALES, "sales"),
        (Role.SUPPORT, "support"),
        (Role.MARKETING, "marketing"),
        (Role.MANAGER, "manager"),
        (Role.ADMIN, "manager"),
        (Role.ANALYST, "sales"),
    ],
)
def test_each_role_lands_on_its_board(client_for: Any, role: Role, board: str) -> None:
    response = client_for(role).get("/dashboards/")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboards/{board}/"


def test_an_unknown_board_is_not_found(client_for: Any) -> None:
    assert client_for(Role.MANAGER).get("/dashboards/finance/").status_code == 404


def test_the_manager_board_is_for_roles_that_read_every_team(client_for: Any) -> None:
    """The manager's board shows the three others: whoever may open it may open each of them."""
    for role, capabilities in CAPABILITIES.items():
        if NEEDS[Board.MANAGER] in capabilities:
            assert {NEEDS[Board.SALES], NEEDS[Board.SUPPORT], NEEDS[Board.MARKETING]} <= capabilities, role


def test_the_manager_board_shows_every_section_with_links(
    pipeline: Pipeline, desk: Desk, client: Client
) -> None:
    client.force_login(factories.UserFactory(role=Role.MANAGER, username="boss"))
    html = client.get("/dashboards/manager/").content.decode()
    for section in ("sales-dashboard", "support-dashboard", "marketing-dashboard"):
        assert f'id="{section}"' in html
    assert "/pipeline/?at_risk=1" in html
    assert "/inbox/?sla=breached" in html


def test_the_manager_board_queries_do_not_grow_with_the_records(
    pipeline: Pipeline, desk: Desk, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.MANAGER)
    with django_assert_max_num_queries(20) as small:
        assert client.get("/dashboards/manager/").status_code == 200
    for i in range(10):
        factories.DealFactory(title=f"More {i}", stage=pipeline.stages["proposal"])
        factories.TicketFactory(subject=f"More {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/dashboards/manager/").status_code == 200


def test_sales_targets_and_sla_policies_are_for_team_leads(client_for: Any) -> None:
    month = timezone.localdate().strftime("%Y-%m")
    assert (
        client_for(Role.SALES).post("/settings/sales-targets/", {"month": month, "amount": "5"}).status_code
        == 403
    )
    manager = client_for(Role.MANAGER)
    assert manager.post("/settings/sales-targets/", {"month": month, "amount": "12000"}).status_code == 302
    assert SalesTarget.objects.get().amount == Decimal(12000)
    policy = {
        "name": "Urgent",
        "priority": "urgent",
        "channel": "",
        "first_response_hours": "1",
        "resolution_hours": "8",
    }
    assert client_for(Role.SUPPORT).post("/settings/sla/", policy).status_code == 403
    assert manager.post("/settings/sla/", policy).status_code == 302
    assert manager.get("/settings/sla/").status_code == 200
    assert Capability.MANAGE_TEAMS in CAPABILITIES[Role.MANAGER]
