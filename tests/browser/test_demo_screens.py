"""After the demo set-up, the screens show what was computed (issue 25): the dashboard's forecast
chart and alerts, and on the 360 of the most active customer their orders, scores with reasons
and a personalised recommendation (not the popularity fallback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Customer
from smartcrm.demo.setup import demo_password
from smartcrm.engine.recs.reasons import POPULAR, TEMPLATES
from tests.demo.checks import build_demo, check_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_shop(
    live_server: Any, settings: Any, tmp_path: Path, quick_default_intent: Path, mailoutbox: list[Any]
) -> Any:
    """The demo's own set-up on a small shop, checked as tests/demo/test_commands.py checks it on
    SQLite (one demo build per database: it takes minutes)."""
    check_demo(build_demo(settings, tmp_path), tmp_path, quick_default_intent, mailoutbox)
    return live_server


def log_in_as_manager(page: Page, url: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", Role.MANAGER.value)
    page.fill("input[name=password]", demo_password(Role.MANAGER))
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_the_demo_screens_show_forecasts_alerts_scores_and_recommendations(
    page: Page, demo_shop: Any
) -> None:
    url = demo_shop.url
    log_in_as_manager(page, url)

    # The dashboard: a forecast chart with its intervals, and the planted incidents as alerts.
    panel = page.locator("#insights-panel")
    expect(panel.locator("svg.chart .forecast-band-80")).to_have_count(1)
    expect(panel.locator("svg.chart .forecast-line")).to_have_count(1)
    assert panel.locator("table tbody tr").count() >= 1
    assert "coming soon" not in page.content().lower()

    # The 360 of the customer with the most orders.
    busiest = Customer.objects.annotate(n=Count("orders")).order_by("-n", "pk").first()
    assert busiest is not None
    page.goto(f"{url}/customers/{busiest.pk}/")
    orders = page.locator("#orders tbody tr")
    assert orders.count() >= 1, page.content()[:2000]
    reasons = page.locator(".scores .reasons")
    assert reasons.count() >= 1 and reasons.first.inner_text().strip()
    items = page.locator("#recommendations li.list-row")
    expect(items.first).to_be_visible()
    shown = [items.nth(i).locator(".muted.small").last.inner_text().strip() for i in range(items.count())]
    assert any(reason and reason != TEMPLATES[POPULAR] for reason in shown), shown
