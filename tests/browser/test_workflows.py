"""In headless Chromium: build a workflow in the UI, trigger it, see its run log."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marketing_builds_a_workflow_starts_it_and_reads_its_run_log(page: Page, login: Any) -> None:
    factories.UserFactory(username="mia", role=Role.MARKETING)
    vip = factories.CustomerFactory(first_name="Grace", total_spent=Decimal("250.00"))
    factories.CustomerFactory.create_batch(3, total_spent=Decimal("5.00"))

    login(page, "mia")
    page.get_by_role("link", name="Workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    page.get_by_role("link", name="New workflow").click()

    page.fill("#wf-name", "VIP welcome")
    page.fill("#wf-conditions", json.dumps({"field": "customer.total_spent", "op": ">=", "value": 100}))
    page.fill("#wf-steps", json.dumps([{"action": "add_tag", "tag": "vip"}]))
    page.get_by_role("button", name="Save").click()

    # The conditions read as a sentence; the preview shows who would get what.
    expect(page.locator("#conditions-sentence")).to_have_text("customer total spent is at least 100")
    expect(page.locator("#preview")).to_contain_text("conditions hold")
    expect(page.locator("#preview")).to_contain_text("conditions do not hold")

    page.select_option("#add-step select[name=action]", "create_task")
    page.fill("#add-step input[name=detail]", "Welcome call for {{ first_name }}")
    page.get_by_role("button", name="Add step").click()
    expect(page.locator("#step-list")).to_contain_text("Create a task “Welcome call for {{ first_name }}”")
    expect(page.get_by_text("Version 2")).to_be_visible()

    page.click("#toggle-workflow")
    expect(page.locator("#toggle-workflow")).to_have_text("Disable")

    page.fill("#start-ids", str(vip.pk))
    page.locator("#start-form").get_by_role("button", name="Start").click()
    expect(page.locator("#run-status")).to_have_text("succeeded")
    log = page.locator("#step-log")
    expect(log).to_contain_text("add_tag")
    expect(log).to_contain_text("create_task")
    expect(log.locator("tbody tr")).to_have_count(2)
