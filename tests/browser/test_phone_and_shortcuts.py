"""The main screens at phone width (390 px) with no horizontal scroll, and the inbox's keyboard
shortcuts for agents."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.activities.models import Task
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "A very long subject line from a customer who writes everything in one breath, twice over"


def _shop() -> dict[str, int]:
    manager = factories.UserFactory(username="morgan", role=Role.MANAGER)
    ada = factories.CustomerFactory(
        name="Ada Lovelace-Byron of the Analytical Engine Company", orders_count=3,
        total_spent=Decimal("1130439.00"), email="ada.lovelace.with.a.long.address@example.com",
    )  # fmt: skip
    for n in range(3):
        ticket = factories.TicketFactory(customer=ada, subject=f"{LONG} #{n}")
        factories.TicketMessageFactory(ticket=ticket, body="Unbroken" * 40)
        factories.OrderFactory(customer=ada, placed_at=timezone.now() - timedelta(days=n + 1))
    stage = factories.StageFactory(name="Qualified", position=0, probability=10)
    factories.StageFactory(name="Proposal sent to the purchasing department", position=1, probability=40)
    factories.DealFactory(title="Gears for the whole mill and the second mill", stage=stage, customer=ada)
    Task.objects.create(
        title=LONG, assignee=manager, customer=ada, due_at=timezone.now() - timedelta(hours=2)
    )
    return {"customer": ada.pk, "ticket": ada.tickets.first().pk}  # type: ignore[attr-defined]


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 390 px"


def test_main_screens_fit_a_phone(page: Page, login: Any, live_server: Any) -> None:
    ids = _shop()
    login(page, "morgan")
    page.set_viewport_size({"width": 390, "height": 844})
    screens = (
        "/inbox/",
        f"/inbox/{ids['ticket']}/",
        f"/customers/{ids['customer']}/",
        "/tasks/",
        "/pipeline/",
    )
    for path in screens:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        _no_horizontal_scroll(page)


def test_inbox_keyboard_shortcuts(page: Page, login: Any, live_server: Any) -> None:
    ids = _shop()
    login(page, "morgan")
    page.goto(f"{live_server.url}/inbox/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("/")
    expect(page.locator("input[name=q]")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/inbox/*/")
    page.keyboard.press("r")
    expect(page.locator("textarea[name=body]")).to_be_focused()
    # Typing in the reply box types; it never triggers a shortcut.
    page.keyboard.type("jk?")
    expect(page.locator("textarea[name=body]")).to_have_value("jk?")
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    page.wait_for_url(f"{live_server.url}/inbox/")
    assert ids["ticket"]
