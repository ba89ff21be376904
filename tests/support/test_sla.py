"""SLA policies: due times from the most specific policy, and the breach check (idempotent,
alerting the assignee and the team lead once, recording targets met late without alerting)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.collaboration.models import Notification, NotificationKind
from smartcrm.core.errors import ServiceValidationError
from smartcrm.support.models import BreachKind, SLABreach, SLAPolicy, Ticket, TicketStatus
from smartcrm.support.services import open_ticket, update_ticket
from smartcrm.support.sla import check_breaches, save_policy
from smartcrm.support.tasks import check_sla_breaches
from smartcrm.teams.models import Team
from tests import factories

pytestmark = pytest.mark.django_db


def _policy(name: str, first: int, resolution: int, *, priority: str = "", channel: str = "") -> SLAPolicy:
    return SLAPolicy.objects.create(
        name=name,
        priority=priority,
        channel=channel,
        first_response_hours=Decimal(first),
        resolution_hours=Decimal(resolution),
    )


@pytest.fixture
def policies() -> list[SLAPolicy]:
    return [
        _policy("Default", 24, 72),
        _policy("Urgent", 1, 8, priority="urgent"),
        _policy("Urgent chat", 0, 0, priority="urgent", channel="chat"),  # replaced below
    ]


def test_a_new_ticket_takes_the_most_specific_policy(policies: list[SLAPolicy]) -> None:
    SLAPolicy.objects.filter(name="Urgent chat").update(
        first_response_hours=Decimal("0.5"), resolution_hours=Decimal(4)
    )
    customer = factories.CustomerFactory()
    chat = open_ticket(
        actor="test", customer=customer, subject="Down", body="!", channel="chat", priority="urgent"
    )
    mail = open_ticket(actor="test", customer=customer, subject="Down", body="!", priority="urgent")
    normal = open_ticket(actor="test", customer=customer, subject="Hello", body="?")
    assert chat.first_response_due_at == chat.created_at + timedelta(minutes=30)
    assert chat.resolution_due_at == chat.created_at + timedelta(hours=4)
    assert mail.first_response_due_at == mail.created_at + timedelta(hours=1)
    assert normal.resolution_due_at == normal.created_at + timedelta(hours=72)
    update_ticket(actor="test", ticket=normal, priority="urgent")
    normal.refresh_from_db()
    assert normal.first_response_due_at == normal.created_at + timedelta(hours=1)


def test_a_policy_change_moves_the_open_tickets_due_times(
    policies: list[SLAPolicy], django_capture_on_commit_callbacks: Any
) -> None:
    admin = factories.UserFactory(role=Role.ADMIN)
    ticket = factories.TicketFactory(priority="normal")
    solved = factories.TicketFactory(priority="normal", status=TicketStatus.SOLVED)
    check_breaches()  # fills both from the default policy
    values = {
        "name": "Default",
        "priority": "",
        "channel": "",
        "first_response_hours": Decimal(2),
        "resolution_hours": Decimal(10),
    }
    with django_capture_on_commit_callbacks(execute=True):  # the recompute runs after the commit
        save_policy(actor=admin, values=values, policy=policies[0])
    ticket.refresh_from_db()
    solved.refresh_from_db()
    assert ticket.first_response_due_at == ticket.created_at + timedelta(hours=2)
    assert solved.first_response_due_at == solved.created_at + timedelta(hours=24)


def test_a_policy_is_checked_before_it_is_saved(policies: list[SLAPolicy]) -> None:
    admin = factories.UserFactory(role=Role.ADMIN)
    bad = {"name": "X", "priority": "urgent", "channel": "", "first_response_hours": Decimal(5)}
    with pytest.raises(ServiceValidationError) as error:
        save_policy(actor=admin, values={**bad, "resolution_hours": Decimal(2)})
    assert set(error.value.errors) == {"resolution_hours", "priority"}  # too early, and a duplicate scope


@pytest.fixture
def late_ticket(policies: list[SLAPolicy]) -> tuple[Ticket, Any, Any]:
    """An open normal ticket opened 30 hours ago, assigned, in a team with a lead."""
    agent = factories.UserFactory(role=Role.SUPPORT, username="agent")
    lead = factories.UserFactory(role=Role.MANAGER, username="lead")
    team = Team.objects.create(name="Support", lead=lead)
    opened = timezone.now() - timedelta(hours=30)
    ticket = factories.TicketFactory(assignee=agent, team=team, created_at=opened, last_message_at=opened)
    return ticket, agent, lead


def test_a_missed_first_response_alerts_the_assignee_and_the_team_lead_once(
    late_ticket: tuple[Ticket, Any, Any],
) -> None:
    ticket, agent, lead = late_ticket
    first = check_breaches()
    assert (first.alerted, first.recorded_late) == (1, 0)
    breach = SLABreach.objects.get()
    assert (breach.ticket_id, breach.kind) == (ticket.pk, BreachKind.FIRST_RESPONSE)
    assert breach.due_at == ticket.created_at + timedelta(hours=24)
    alerts = Notification.objects.filter(kind=NotificationKind.SLA_BREACH)
    assert sorted(alerts.values_list("recipient_id", flat=True)) == sorted([agent.pk, lead.pk])
    assert set(alerts.values_list("target_id", "detail")) == {(ticket.pk, "first_response")}

    again = check_breaches()
    assert (again.alerted, again.recorded_late) == (0, 0)
    assert SLABreach.objects.count() == 1
    assert alerts.count() == 2


@pytest.mark.usefixtures("late_ticket")
def test_the_resolution_target_alerts_when_it_passes() -> None:
    check_breaches(timezone.now())
    assert check_breaches(timezone.now() + timedelta(hours=43)).alerted == 1  # 30 + 43 > 72 hours
    assert set(SLABreach.objects.values_list("kind", flat=True)) == {"first_response", "resolution"}
    assert Notification.objects.filter(kind=NotificationKind.SLA_BREACH).count() == 4


def test_a_target_met_late_is_recorded_without_an_alert(policies: list[SLAPolicy]) -> None:
    opened = timezone.now() - timedelta(days=10)
    agent = factories.UserFactory(role=Role.SUPPORT, username="agent")
    factories.TicketFactory(
        assignee=agent,
        status=TicketStatus.SOLVED,
        created_at=opened,
        last_message_at=opened,
        first_response_at=opened + timedelta(hours=30),  # 24 allowed
        solved_at=opened + timedelta(hours=50),  # within 72
    )
    check = check_breaches()
    assert (check.alerted, check.recorded_late) == (0, 1)
    assert list(SLABreach.objects.values_list("kind", flat=True)) == ["first_response"]
    assert not Notification.objects.exists()
    assert check_breaches().recorded_late == 0


def test_solving_and_reopening_keep_the_resolution_time(policies: list[SLAPolicy]) -> None:
    ticket = open_ticket(actor="test", customer=factories.CustomerFactory(), subject="S", body="B")
    update_ticket(actor="test", ticket=ticket, status=TicketStatus.SOLVED)
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    update_ticket(actor="test", ticket=ticket, status=TicketStatus.OPEN)
    ticket.refresh_from_db()
    assert ticket.solved_at is None


def test_the_periodic_task_alerts_once_however_often_it_runs(late_ticket: tuple[Ticket, Any, Any]) -> None:
    first = check_sla_breaches.apply().get()
    assert (first["alerted"], first["recorded_late"]) == (1, 0)
    assert check_sla_breaches.apply().get()["alerted"] == 0
    assert Notification.objects.filter(kind=NotificationKind.SLA_BREACH).count() == 2
