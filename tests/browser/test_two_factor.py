"""In headless Chromium: an admin sets up two-factor from the QR page, then logs in with a code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from tests import factories
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_enrols_then_logs_in_with_password_and_code(page: Page, login: Any, live_server: Any) -> None:
    factories.UserFactory(username="ada", role=Role.ADMIN)
    login(page, "ada")
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Set it up").click()
    expect(page.locator("#totp-qr")).to_be_visible()
    key = page.locator("#totp-key").inner_text()
    totp = pyotp.TOTP(key)
    page.fill("#enrol-form input[name=code]", totp.now())
    page.get_by_role("button", name="Turn it on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)

    page.context.clear_cookies()  # a new visit
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.fill("input[name=code]", totp.at(timezone.now() + timedelta(seconds=30)))  # the next, unused code
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Account")).to_be_attached()
