"""In headless Chromium: a manager ticks rows on the customer list (the count follows), ticks the
whole page, is offered "Select all 60 customers matching these filters" (the Gmail-style banner),
takes it, tags them, and watches the run's progress move from queued to done without reloading
the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.bulk import jobs, runner
from smartcrm.bulk.models import BulkRun
from smartcrm.customers.models import Customer
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_runs() -> Iterator[list[int]]:
    """Bulk runs are held (left queued) instead of started, for the test to run when it wants."""
    held: list[int] = []
    jobs.run_bulk.connect(held.append)
    yield held
    jobs.run_bulk.connect_task("smartcrm.bulk.tasks.run_bulk")


def test_ticking_rows_and_tagging_every_matching_customer_shows_progress(
    page: Page, login: Any, live_server: Any, held_runs: list[int]
) -> None:
    factories.UserFactory(username="boss", role=Role.MANAGER)
    for i in range(60):
        factories.CustomerFactory(name=f"Tea house {i}", country="CN")
    factories.CustomerFactory(name="Diner", country="US")
    login(page, "boss")
    page.goto(f"{live_server.url}/customers/?country=CN")
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("No customer ticked")
    rows = page.locator("[data-select-row]")
    expect(rows).to_have_count(50)  # one page
    rows.nth(0).check()
    rows.nth(3).check()
    expect(count).to_have_text("2 customers ticked")
    banner = page.locator("[data-select-banner]")
    expect(banner).to_be_hidden()
    page.locator("[data-select-page]").check()
    expect(count).to_have_text("50 customers ticked")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("All 50 customers on this page are selected.")
    offer = banner.locator("[data-select-all-matching]")
    expect(offer).to_have_text("Select all 60 customers matching these filters")  # counted on demand
    offer.click()
    expect(count).to_have_text("Every customer matching these filters")
    expect(banner).to_contain_text("All 60 customers matching these filters are selected.")
    expect(offer).to_be_hidden()
    banner.locator("[data-clear-selection]").click()  # changed their mind, then chose it again
    expect(count).to_have_text("No customer ticked")
    expect(banner).to_be_hidden()
    page.locator("[data-select-page]").check()
    offer.click()
    page.select_option("[data-bulk-action]", "tag")
    page.fill("#bulk-form input[name=value]", "Spring")
    page.locator("[data-bulk-submit]").click()
    page.wait_for_url(f"{live_server.url}/bulk/*/")
    progress = page.locator("#bulk-progress")
    expect(progress).to_contain_text("Queued")
    expect(progress).to_contain_text("counted when the run starts")  # the worker resolves the filters
    run = BulkRun.objects.get()
    assert (run.customer_ids, run.filters["country"], run.total) == ([], "CN", 0)
    assert len(held_runs) == 1
    runner.run(held_runs[0])  # the worker picks it up; the page polls and shows it done
    expect(progress).to_contain_text("60 of 60 done", timeout=15_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    assert BulkRun.objects.get().total == 60
    assert Customer.objects.filter(tags__name="spring").count() == 60
    assert not Customer.objects.filter(name="Diner", tags__name="spring").exists()
