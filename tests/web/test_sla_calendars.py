"""The business-hours settings pages: a manager creates, edits and removes a calendar and picks
it on a policy; wrong hours, zones and dates come back with their errors; other roles are refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.support.models import BusinessCalendar, SLAPolicy

pytestmark = pytest.mark.django_db

NEW = "/settings/sla/calendars/new/"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Shanghai office",
        "time_zone": "Asia/Shanghai",
        "monday": "09:00-12:00, 13:00-18:00",
        "tuesday": "09:00-12:00, 13:00-18:00",
        "wednesday": "09:00-12:00, 13:00-18:00",
        "thursday": "09:00-12:00, 13:00-18:00",
        "friday": "09:00-12:00, 13:00-18:00",
        "saturday": "",
        "sunday": "",
        "holidays": "2026-10-01\n2026-10-02\n",
    }
    return {**data, **overrides}


def test_a_manager_creates_and_edits_business_hours(client_for: Any) -> None:
    manager = client_for(Role.MANAGER)
    assert manager.get(NEW).status_code == 200
    response = manager.post(NEW, form())
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert calendar.time_zone == "Asia/Shanghai"
    assert calendar.weekly_hours[0] == [[540, 720], [780, 1080]]
    assert calendar.weekly_hours[5:] == [[], []]
    assert calendar.holidays == ["2026-10-01", "2026-10-02"]

    page = manager.get(f"/settings/sla/calendars/{calendar.pk}/")
    assert page.status_code == 200
    assert "09:00-12:00, 13:00-18:00" in page.content.decode()
    assert (
        manager.post(f"/settings/sla/calendars/{calendar.pk}/", form(saturday="10:00-14:00")).status_code
        == 302
    )
    calendar.refresh_from_db()
    assert calendar.weekly_hours[5] == [[600, 840]]
    listing = manager.get("/settings/sla/").content.decode()
    assert 'id="sla-calendars"' in listing and "Shanghai office" in listing and "Asia/Shanghai" in listing


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("monday", "9-17"),
        ("tuesday", "18:00-09:00"),
        ("wednesday", "09:00-13:00, 12:00-18:00"),
        ("time_zone", "Mars/Olympus"),
        ("holidays", "1 October"),
        ("name", ""),
    ],
)
def test_invalid_business_hours_come_back_with_the_error(client_for: Any, field: str, value: str) -> None:
    response = client_for(Role.MANAGER).post(NEW, form(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not BusinessCalendar.objects.exists()


def test_a_week_without_opening_hours_is_refused(client_for: Any) -> None:
    closed = form(**dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), ""))
    response = client_for(Role.MANAGER).post(NEW, closed)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not BusinessCalendar.objects.exists()


def test_a_policy_uses_the_calendar_and_it_cannot_be_removed_while_in_use(client_for: Any) -> None:
    manager = client_for(Role.MANAGER)
    manager.post(NEW, form())
    calendar = BusinessCalendar.objects.get()
    policy = {
        "name": "Normal",
        "priority": "",
        "channel": "",
        "first_response_hours": "4",
        "resolution_hours": "16",
        "calendar": str(calendar.pk),
    }
    assert manager.post("/settings/sla/", policy).status_code == 302
    saved = SLAPolicy.objects.get()
    assert saved.calendar == calendar and saved.resolution_hours == Decimal(16)
    assert manager.get(f"/settings/sla/{saved.pk}/").context["form"].initial["calendar"] == calendar.pk
    refused = manager.post(f"/settings/sla/calendars/{calendar.pk}/delete/", follow=True)
    assert "Normal" in refused.content.decode()
    assert BusinessCalendar.objects.exists()
    assert (
        manager.post("/settings/sla/", {**policy, "priority": "urgent", "calendar": "999"}).status_code == 400
    )
    saved.delete()
    assert manager.post(f"/settings/sla/calendars/{calendar.pk}/delete/").status_code == 302
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.SALES, Role.ANALYST])
def test_other_roles_may_not_edit_business_hours(client_for: Any, role: Role) -> None:
    client = client_for(role)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form()).status_code == 403
    assert not BusinessCalendar.objects.exists()


def test_a_missing_calendar_is_not_found(client_for: Any) -> None:
    assert client_for(Role.MANAGER).get("/settings/sla/calendars/999/").status_code == 404
