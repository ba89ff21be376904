"""Time triggers on a customer's own dates: N days before the birthday (every year, in the
shop's time zone, 29 February handled) and N days before the renewal (once per renewal date),
from stored UTC due times, exactly once — across daylight-saving changes too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from smartcrm.automation import services, triggers
from smartcrm.automation.models import RunStatus, TimedTrigger, WorkflowRun
from smartcrm.automation.schedule import before_birthday, before_day, birthday_in
from smartcrm.customers import services as customers
from smartcrm.customers.models import Customer
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TAG = [{"action": "add_tag", "tag": "birthday-greeted"}]


def _birthday_workflow(commit: Callable[..., Any], now: datetime, **trigger: Any) -> Any:
    definition = {"type": "time", "schedule": "before_birthday", "days": 0, "at": "09:00"} | trigger
    return commit(
        services.create_workflow,
        actor="t",
        name="Birthday",
        trigger=definition,
        steps=TAG,
        enabled=True,
        now=now,
    )


# --- the dates, without a database ------------------------------------------------------------


def test_a_29_february_birthday_is_kept_on_28_february_in_common_years() -> None:
    leap = date(2000, 2, 29)
    assert birthday_in(2027, leap) == date(2027, 2, 28)
    assert birthday_in(2028, leap) == date(2028, 2, 29)
    assert birthday_in(2027, date(1990, 3, 1)) == date(2027, 3, 1)
    after = datetime(2027, 1, 1, tzinfo=UTC)
    assert before_birthday(leap, 0, time(9), BERLIN, after) == datetime(2027, 2, 28, 8, 0, tzinfo=UTC)
    assert before_birthday(leap, 1, time(9), BERLIN, after) == datetime(2027, 2, 27, 8, 0, tzinfo=UTC)
    in_leap_year = datetime(2028, 1, 1, tzinfo=UTC)
    assert before_birthday(leap, 0, time(9), BERLIN, in_leap_year) == datetime(2028, 2, 29, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "birthday", "at", "expected"),
    [
        # Berlin springs forward on 29 March 2026: 02:30 does not happen, it fires at 03:00 CEST.
        (BERLIN, date(1980, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # ...and falls back on 25 October: 02:30 happens twice, it fires at the first (CEST).
        (BERLIN, date(1980, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (BERLIN, date(1980, 10, 26), time(9, 0), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),  # now CET
        (NEW_YORK, date(1980, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (NEW_YORK, date(1980, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_birthday_due_times_are_wall_times_across_daylight_saving_changes(
    zone: ZoneInfo, birthday: date, at: time, expected: datetime
) -> None:
    assert before_birthday(birthday, 0, at, zone, datetime(2026, 1, 1, tzinfo=UTC)) == expected
    # the next one is a year later (strictly after the last)
    assert before_birthday(birthday, 0, at, zone, expected).year == 2027


def test_days_before_count_calendar_days_in_the_zone() -> None:
    # 3 days before 1 April 2026 at 09:00 Berlin is 29 March, the spring change day: 07:00 UTC.
    assert before_day(date(2026, 4, 1), 3, time(9), BERLIN) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    due = before_birthday(date(1990, 1, 2), 5, time(9), BERLIN, datetime(2026, 6, 1, tzinfo=UTC))
    assert due == datetime(2026, 12, 28, 8, 0, tzinfo=UTC)  # the day before falls in the year before


def test_triggers_are_checked_and_read_as_sentences() -> None:
    birthday = {"type": "time", "schedule": "before_birthday", "days": 3, "at": "09:00"}
    assert triggers.problems(birthday) == []
    assert triggers.problems(birthday | {"days": 400}) == ["trigger.days: whole days, 0 to 365"]
    assert triggers.problems(birthday | {"schedule": "before_anniversary"})[0].startswith("trigger.schedule")
    assert "3 days before a customer's birthday, every year, at 09:00" in triggers.sentence(birthday)
    renewal = {
        "type": "time",
        "schedule": "before_renewal",
        "days": 7,
        "at": "08:30",
        "time_zone": "Asia/Shanghai",
    }
    assert triggers.problems(renewal) == []
    assert triggers.sentence(renewal) == "7 days before a customer's renewal, at 08:30 (Asia/Shanghai)"


# --- planned, swept and fired -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_birthday_fires_once_a_year_and_a_29_february_one_in_a_common_year(
    commit: Callable[..., Any],
) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    leap = factories.CustomerFactory(birthday=date(1996, 2, 29))
    spring = factories.CustomerFactory(birthday=date(1985, 3, 29))
    factories.CustomerFactory(birthday=None)
    wf = _birthday_workflow(commit, now, at="02:30", time_zone="Europe/Berlin")
    planned = {row.customer_id: row.due_at for row in TimedTrigger.objects.filter(workflow=wf)}
    assert planned == {
        leap.pk: datetime(2027, 2, 28, 1, 30, tzinfo=UTC),  # 02:30 CET on 28 February 2027
        spring.pk: datetime(2027, 3, 29, 0, 30, tzinfo=UTC),  # 02:30 CEST (the change was the day before)
    }
    first = planned[leap.pk]
    assert commit(services.sweep, first - timedelta(minutes=1))["fired"] == 0
    assert commit(services.sweep, first)["fired"] == 1
    assert commit(services.sweep, first + timedelta(minutes=5))["fired"] == 0  # twice swept: once
    row = TimedTrigger.objects.get(workflow=wf, customer=leap)
    assert row.fired_at is None and row.due_at == datetime(2028, 2, 29, 1, 30, tzinfo=UTC)
    # The next year (a leap year) it fires again; spring's birthday came due meanwhile, once.
    assert commit(services.sweep, row.due_at)["fired"] == 2
    runs = WorkflowRun.objects.filter(workflow=wf, customer=leap)
    assert runs.count() == 2 and {r.status for r in runs} == {RunStatus.SUCCEEDED}
    assert list(leap.tags.values_list("name", flat=True)) == ["birthday-greeted"]
    assert WorkflowRun.objects.filter(workflow=wf, customer=spring).count() == 1


@pytest.mark.django_db
def test_setting_or_clearing_a_birthday_plans_or_drops_its_due_time(commit: Callable[..., Any]) -> None:
    wf = _birthday_workflow(commit, datetime.now(UTC), days=2)
    customer = factories.CustomerFactory()
    assert not TimedTrigger.objects.filter(workflow=wf).exists()
    soon = (datetime.now(BERLIN) + timedelta(days=10)).date()
    commit(
        customers.update_customer, actor="t", customer=customer, values={"birthday": soon.replace(year=1990)}
    )
    row = TimedTrigger.objects.get(workflow=wf, customer=customer)
    assert row.key == f"birthday:{customer.pk}"
    assert row.due_at.astimezone(BERLIN).date() == soon - timedelta(days=2)
    commit(customers.update_customer, actor="t", customer=customer, values={"birthday": None})
    assert not TimedTrigger.objects.filter(workflow=wf).exists()


@pytest.mark.django_db
def test_a_renewal_fires_once_per_renewal_date(commit: Callable[..., Any]) -> None:
    now = datetime.now(UTC)
    renewal = {"type": "time", "schedule": "before_renewal", "days": 7, "at": "09:00"}
    wf = commit(
        services.create_workflow, actor="t", name="Renewal", trigger=renewal, steps=TAG, enabled=True, now=now
    )
    customer = factories.CustomerFactory()
    first = (now + timedelta(days=30)).date()
    commit(customers.update_customer, actor="t", customer=customer, values={"renews_on": first.isoformat()})
    row = TimedTrigger.objects.get(workflow=wf)
    assert row.key == f"renewal:{customer.pk}"
    assert commit(services.sweep, row.due_at)["fired"] == 1
    assert commit(services.sweep, row.due_at + timedelta(days=1))["fired"] == 0
    row.refresh_from_db()
    assert row.fired_at is not None
    # Saved again unchanged: still once. Renewed for a year: planned again, fires again.
    customer.refresh_from_db()
    commit(customers.update_customer, actor="t", customer=customer, values={"city": "Bonn"})
    assert commit(services.sweep, row.due_at + timedelta(days=2))["fired"] == 0
    commit(
        customers.update_customer,
        actor="t",
        customer=customer,
        values={"renews_on": first.replace(year=first.year + 1).isoformat()},
    )
    row.refresh_from_db()
    renewed = first.replace(year=first.year + 1)
    assert row.fired_at is None
    assert row.due_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date() == renewed - timedelta(days=7)
    assert commit(services.sweep, row.due_at)["fired"] == 1
    assert WorkflowRun.objects.filter(workflow=wf).count() == 2
    # A renewal whose "7 days before" has passed is not planned (no backlog fires).
    late = factories.CustomerFactory()
    commit(
        customers.update_customer,
        actor="t",
        customer=late,
        values={"renews_on": (now + timedelta(days=2)).date()},
    )
    assert not TimedTrigger.objects.filter(workflow=wf, customer=late).exists()


@pytest.mark.django_db
def test_a_birthday_is_checked_and_kept_out_of_the_audit_values() -> None:
    from smartcrm.core.errors import ServiceValidationError
    from smartcrm.core.models import AuditEvent

    customer = factories.CustomerFactory()
    for bad, message in (("1850-01-01", "between 1900"), ("31/02/1990", "YYYY-MM-DD")):
        with pytest.raises(ServiceValidationError) as refused:
            customers.update_customer(actor="t", customer=customer, values={"birthday": bad})
        assert message in refused.value.errors["birthday"]
    customers.update_customer(actor="t", customer=customer, values={"birthday": "1990-05-17"})
    assert Customer.objects.get(pk=customer.pk).birthday == date(1990, 5, 17)
    assert "1990" not in str(AuditEvent.objects.filter(object_id=str(customer.pk)).last().changes)


@pytest.mark.django_db
def test_the_customer_page_sets_the_dates_for_roles_that_edit_customers(client_for: Any) -> None:
    from smartcrm.accounts.roles import Role

    customer = factories.CustomerFactory()
    url = f"/customers/{customer.pk}/dates/"
    assert client_for(Role.MARKETING).post(url, {"renews_on": "2027-03-01"}).status_code == 403
    sales = client_for(Role.SALES)
    assert "customer-dates-form" in sales.get(f"/customers/{customer.pk}/").content.decode()
    assert sales.post(url, {"birthday": "1979-02-28", "renews_on": "2027-03-01"}).status_code == 302
    customer.refresh_from_db()
    assert (customer.birthday, customer.renews_on) == (date(1979, 2, 28), date(2027, 3, 1))
    page = sales.get(f"/customers/{customer.pk}/").content.decode()
    assert "Feb 28, 1979" in page and "Mar 1, 2027" in page
