"""In headless Chromium: an agent mentions a colleague in a customer note; the colleague's header
shows the unread badge at their next page, the notification opens the customer and is read."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mention_lights_the_colleagues_notification_badge(page: Page, login: Any, live_server: Any) -> None:
    factories.UserFactory(username="ada", role=Role.SUPPORT)
    factories.UserFactory(username="mei", role=Role.SALES)
    customer = factories.CustomerFactory(name="Wang Wei")
    login(page, "mei")
    expect(page.locator("#notifications-link")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)

    page.context.clear_cookies()
    login(page, "ada")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.fill("#note-form textarea[name=body]", "@mei wants the wholesale price list <b>soon</b>")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes-list")).to_contain_text("wholesale price list <b>soon</b>")

    page.context.clear_cookies()
    login(page, "mei")
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#notifications-link").click()
    expect(page.locator("#notifications-table")).to_contain_text("ada mentioned you on Wang Wei")
    page.get_by_role("button", name="Open").click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator("#follow-button")).to_have_text("Follow")
    page.locator("#follow-button").click()
    expect(page.locator("#follow-button")).to_have_text("Unfollow")
