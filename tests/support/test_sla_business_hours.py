"""SLA policies with business hours: due times in opening hours, the breach check against them,
the calendars' writes (checked, audited, recomputing the open tickets), and the dashboard's
times in SLA hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.readmodels.support_dashboard import support_dashboard
from smartcrm.support.models import (
    BreachKind,
    BusinessCalendar,
    DueTimeRecompute,
    RecomputeState,
    SLABreach,
    SLAPolicy,
    Ticket,
    TicketStatus,
)
from smartcrm.support.services import open_ticket
from smartcrm.support.sla import (
    check_breaches,
    delete_calendar,
    save_calendar,
    save_policy,
)
from smartcrm.support.tasks import recompute_due_times
from tests import factories

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = [(540, 1020)]
OFFICE_WEEK = [NINE_TO_FIVE] * 5 + [[], []]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def calendar_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Berlin office",
        "time_zone": "Europe/Berlin",
        "weekly_hours": OFFICE_WEEK,
        "holidays": [date(2026, 4, 3)],  # Good Friday
    }
    return {**values, **overrides}


@pytest.fixture
def admin() -> Any:
    return factories.UserFactory(role=Role.ADMIN)


@pytest.fixture
def office(admin: Any) -> BusinessCalendar:
    return save_calendar(actor=admin, values=calendar_values())


@pytest.fixture
def policy(admin: Any, office: BusinessCalendar, django_capture_on_commit_callbacks: Any) -> SLAPolicy:
    values = {
        "name": "Default",
        "priority": "",
        "channel": "",
        "first_response_hours": Decimal(2),
        "resolution_hours": Decimal(16),
        "calendar": office,
    }
    with django_capture_on_commit_callbacks(execute=True):  # its recompute: done, not pending
        return save_policy(actor=admin, values=values)


def _ticket(created: datetime, **fields: Any) -> Ticket:
    return factories.TicketFactory(created_at=created, last_message_at=created, **fields)


def test_a_calendar_is_stored_as_given_and_audited(office: BusinessCalendar) -> None:
    office.refresh_from_db()
    assert office.weekly_hours == [[[540, 1020]]] * 5 + [[], []]
    assert office.holidays == ["2026-04-03"]
    assert office.work_calendar().weekly_hours() == 40
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(office.pk)).exists()


@pytest.mark.usefixtures("policy")
def test_due_times_count_opening_hours_only() -> None:
    # Friday 27 March 2026, 16:00 CET: 1 h on Friday, the weekend (and the clock change) skipped.
    ticket = _ticket(berlin(2026, 3, 27, 16))
    check_breaches(now=berlin(2026, 3, 27, 16, 5))
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == berlin(2026, 3, 30, 10)  # Monday 10:00 CEST
    # 16 h: 1 on Friday, 8 on Monday, 7 on Tuesday.
    assert ticket.resolution_due_at == berlin(2026, 3, 31, 16)


@pytest.mark.usefixtures("policy")
def test_a_ticket_opened_now_takes_business_due_times() -> None:
    ticket = open_ticket(actor="test", customer=factories.CustomerFactory(), subject="Hi", body="?")
    assert ticket.first_response_due_at is not None
    local = ticket.first_response_due_at.astimezone(BERLIN)
    assert local.weekday() < 5 and 9 <= local.hour + local.minute / 60 <= 17
    assert ticket.first_response_due_at >= ticket.created_at + timedelta(hours=2)


@pytest.mark.usefixtures("policy")
def test_the_breach_check_waits_for_the_opening_hours() -> None:
    ticket = _ticket(berlin(2026, 3, 27, 16))
    saturday = check_breaches(now=berlin(2026, 3, 28, 12))  # 20 wall-clock hours later
    assert saturday.alerted == 0  # a 24/7 policy of 2 h would have alerted
    monday = check_breaches(now=berlin(2026, 3, 30, 10, 30))
    assert monday.alerted == 1
    breach = SLABreach.objects.get()
    assert (breach.ticket_id, breach.kind, breach.due_at) == (
        ticket.pk,
        BreachKind.FIRST_RESPONSE,
        berlin(2026, 3, 30, 10),
    )


@pytest.mark.usefixtures("policy")
def test_a_holiday_pushes_the_due_time() -> None:
    ticket = _ticket(berlin(2026, 4, 2, 16, 30))  # Thursday before Good Friday
    check_breaches(now=berlin(2026, 4, 2, 16, 31))
    ticket.refresh_from_db()
    # half an hour on Thursday, Friday a holiday, then the weekend: Easter Monday 10:30.
    assert ticket.first_response_due_at == berlin(2026, 4, 6, 10, 30)
    assert check_breaches(now=berlin(2026, 4, 3, 12)).alerted == 0


def test_changing_the_calendar_moves_the_open_tickets_only(
    admin: Any, office: BusinessCalendar, policy: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    open_one = _ticket(berlin(2026, 3, 27, 16))
    solved = _ticket(berlin(2026, 3, 27, 16), status=TicketStatus.SOLVED)
    check_breaches(now=berlin(2026, 3, 27, 16, 5))
    saturdays = [NINE_TO_FIVE] * 6 + [[]]
    with django_capture_on_commit_callbacks(execute=True):  # the recompute runs after the commit
        save_calendar(actor=admin, values=calendar_values(weekly_hours=saturdays), calendar=office)
    open_one.refresh_from_db()
    solved.refresh_from_db()
    assert open_one.first_response_due_at == berlin(2026, 3, 28, 10)  # open on Saturday now
    assert solved.first_response_due_at == berlin(2026, 3, 30, 10)  # measured against the old hours
    run = DueTimeRecompute.objects.latest("pk")
    assert (run.state, run.total, run.changed) == (RecomputeState.DONE, 1, 1)
    assert recompute_due_times.delay(run.pk).get()["state"] == RecomputeState.DONE  # done: nothing again
    again = Ticket.objects.get(pk=open_one.pk)
    assert again.first_response_due_at == open_one.first_response_due_at
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(office.pk)).exists()


def test_a_policy_without_a_calendar_stays_around_the_clock(
    admin: Any, policy: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    values = {
        "name": "Default",
        "priority": "",
        "channel": "",
        "first_response_hours": Decimal(2),
        "resolution_hours": Decimal(16),
        "calendar": None,
    }
    ticket = _ticket(berlin(2026, 3, 27, 16))
    with django_capture_on_commit_callbacks(execute=True):
        save_policy(actor=admin, values=values, policy=policy)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == berlin(2026, 3, 27, 18)


def test_calendars_are_checked(admin: Any, office: BusinessCalendar) -> None:
    with pytest.raises(ServiceValidationError) as error:
        save_calendar(actor=admin, values=calendar_values(time_zone="Mars/Olympus", name="Berlin office"))
    assert set(error.value.errors) == {"name", "time_zone"}  # a duplicate name, an unknown zone
    with pytest.raises(ServiceValidationError) as error:
        save_calendar(actor=admin, values=calendar_values(name="Closed", weekly_hours=[[]] * 7))
    assert "weekly_hours" in error.value.errors
    with pytest.raises(ServiceValidationError) as error:
        save_calendar(actor=admin, values=calendar_values(name="Bad", weekly_hours=[[(600, 540)]] * 7))
    assert "weekly_hours" in error.value.errors
    assert BusinessCalendar.objects.count() == 1


def test_a_calendar_in_use_cannot_be_deleted(admin: Any, office: BusinessCalendar, policy: SLAPolicy) -> None:
    with pytest.raises(ServiceValidationError, match="Default"):
        delete_calendar(actor=admin, calendar=office)
    policy.delete()
    delete_calendar(actor=admin, calendar=office)
    assert not BusinessCalendar.objects.exists()


def test_a_target_the_hours_never_reach_is_refused(admin: Any) -> None:
    minute = save_calendar(
        actor=admin, values=calendar_values(name="A minute", weekly_hours=[[(540, 541)]] + [[]] * 6)
    )
    values = {
        "name": "Slow",
        "priority": "",
        "channel": "",
        "first_response_hours": Decimal(1),
        "resolution_hours": Decimal(8000),
        "calendar": minute,
    }
    with pytest.raises(ServiceValidationError) as error:
        save_policy(actor=admin, values=values)
    assert "resolution_hours" in error.value.errors


@pytest.mark.usefixtures("policy")
def test_the_dashboard_gives_times_in_sla_hours() -> None:
    created = berlin(2026, 3, 27, 16)
    _ticket(created, first_response_at=berlin(2026, 3, 30, 10))  # 66 wall-clock hours, 2 business
    _ticket(
        created,
        status=TicketStatus.SOLVED,
        first_response_at=berlin(2026, 3, 27, 16, 30),  # half an hour
        solved_at=berlin(2026, 3, 31, 9),  # 1 + 8 = 9 business hours
    )
    figures = support_dashboard(date(2026, 3, 31))
    assert figures.first_response_hours == pytest.approx((65 + 0.5) / 2, abs=0.1)
    assert figures.first_response_business_hours == 1.2  # (2 + 0.5) / 2, rounded
    assert figures.resolution_business_hours == 9.0
    assert figures.resolution_hours == pytest.approx(88, abs=0.1)  # 89 wall hours minus the DST hour


def test_without_business_hours_the_dashboard_has_no_sla_hours() -> None:
    created = datetime(2026, 3, 27, 15, tzinfo=UTC)
    _ticket(created, first_response_at=created + timedelta(hours=3))
    figures = support_dashboard(date(2026, 3, 31))
    assert figures.first_response_hours == 3.0
    assert figures.first_response_business_hours is None
