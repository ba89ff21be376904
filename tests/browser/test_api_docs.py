"""The interactive API docs render every operation of the published schema in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.api.openapi import PREFIX, openapi_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_every_operation(page: Page, live_server: Any) -> None:
    expected = sum(len(operations) for operations in openapi_document()["paths"].values())
    page.goto(f"{live_server.url}{PREFIX}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".errors-wrapper").count() == 0, page.locator(".errors-wrapper").inner_text()
    assert page.locator(".opblock").count() == expected
