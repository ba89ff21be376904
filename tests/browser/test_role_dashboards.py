"""In headless Chromium: each role opens its dashboard from the navigation and follows a
drill-down link to the records behind a figure; the manager's tabs reach every board, and a
bar of a chart leads to its deals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.intelligence.models import CustomerScore
from smartcrm.support.models import BreachKind, SLABreach, TicketStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop() -> None:
    today = timezone.localdate()
    now = timezone.now()
    qualified = factories.StageFactory(name="Qualified", position=0, probability=10)
    factories.StageFactory(name="Won", position=1, probability=100, is_won=True)
    factories.DealFactory(
        title="Overdue mill order", stage=qualified, expected_close=today - timedelta(days=9)
    )
    factories.DealFactory(title="Fresh mill order", stage=qualified, expected_close=today + timedelta(days=1))
    late = factories.TicketFactory(subject="Still waiting for a reply", created_at=now - timedelta(days=2))
    factories.TicketFactory(subject="Just arrived", status=TicketStatus.OPEN)
    SLABreach.objects.create(ticket=late, kind=BreachKind.FIRST_RESPONSE, due_at=now, detected_at=now)
    customer = factories.CustomerFactory(name="Drifting Dora")
    CustomerScore.objects.create(
        customer=customer, as_of=today, scored_at=now, churn_risk=0.8, segment="at_risk"
    )
    for role in (Role.SALES, Role.SUPPORT, Role.MARKETING, Role.MANAGER):
        factories.UserFactory(username=role.value, role=role)


def _open_own_board(page: Page, live_server: Any, login: Any, role: Role) -> None:
    page.context.clear_cookies()
    login(page, role.value)
    page.get_by_role("link", name="Team dashboards").click()
    page.wait_for_url(f"{live_server.url}/dashboards/{role.value if role != Role.MANAGER else 'manager'}/")


def test_each_role_opens_its_board_and_drills_down(
    page: Page, login: Any, live_server: Any, shop: None
) -> None:
    _open_own_board(page, live_server, login, Role.SALES)
    expect(page.locator("#sales-at-risk .kpi-value")).to_have_text("1")
    page.locator("#sales-at-risk").click()
    expect(page.locator("#board-filter")).to_be_visible()
    expect(page.locator("#board")).to_contain_text("Overdue mill order")
    expect(page.locator("#board")).not_to_contain_text("Fresh mill order")

    _open_own_board(page, live_server, login, Role.SUPPORT)
    expect(page.locator("#support-breached-open .kpi-value")).to_have_text("1")
    page.locator("#support-breached-open").click()
    expect(page.locator("#results")).to_contain_text("Still waiting for a reply")
    expect(page.locator("#results")).not_to_contain_text("Just arrived")
    expect(page.locator("#results .sla-breached")).to_have_count(1)

    _open_own_board(page, live_server, login, Role.MARKETING)
    page.locator("#churn-3").click()  # churn risk at least 70 %
    expect(page.locator("#results")).to_contain_text("Drifting Dora")

    _open_own_board(page, live_server, login, Role.MANAGER)
    tabs = page.get_by_role("navigation", name="Team dashboards")
    for label in ("Sales", "Support", "Marketing", "Manager"):
        expect(tabs.get_by_role("link", name=label)).to_be_visible()
    for section in ("#sales-dashboard", "#support-dashboard", "#marketing-dashboard"):
        expect(page.locator(section)).to_be_visible()
    page.locator("#sales-dashboard .chart-link").first.click()  # the Qualified stage's bar
    expect(page.locator("#board")).to_contain_text("Fresh mill order")
    expect(page.locator(".board-col")).to_have_count(1)
    page.goto(f"{live_server.url}/dashboards/manager/")
    page.get_by_role("navigation", name="Team dashboards").get_by_role("link", name="Support").click()
    expect(page.locator("#support-dashboard")).to_be_visible()
    expect(page.locator("#sales-dashboard")).to_have_count(0)
