"""The import wizard end to end in headless Chromium: upload, format, mapping, preview, run, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Customer
from smartcrm.imports.models import MappingTemplate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "Customer export 2024\n"
    "\n"
    "客户编号;Given Name;Surname;邮箱;Signup\n"
    "C1;Ada;Lovelace;ada@example.com;31/03/2024\n"
    "C2;<img src=x onerror=alert(1)>;Byte;not-an-email;01/04/2024\n"
    "C3;Cy;Clark;cy@example.com;\n"
)


def test_a_manager_imports_a_file_through_the_wizard(
    page: Page, login: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page.set_default_timeout(30_000)  # the import runs inline (no worker in tests) on a shared machine
    factories.UserFactory(username="mia", role=Role.MANAGER)
    login(page, "mia")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import")).to_be_visible()

    page.select_option("select[name=kind]", "customers")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "kunden.csv", "mimeType": "text/csv", "buffer": FILE.encode("utf-8-sig")}],
    )
    page.get_by_role("button", name="Upload").click()

    # Step 2: how the file reads, and a mapping suggested from English and Chinese headers.
    expect(page.get_by_test_id("format")).to_have_text("CSV, UTF-8 with BOM, semicolon-separated")
    expect(page.get_by_text("row 3", exact=True)).to_be_visible()
    expect(page.get_by_label("Column for 客户编号")).to_have_value("external_id")
    expect(page.get_by_label("Column for 邮箱")).to_have_value("email")
    expect(page.get_by_label("Column for Given Name")).to_have_value("first_name")
    page.get_by_label("Column for Signup").select_option("created_at")
    page.get_by_label("Save this mapping as (optional)").fill("Shop export")
    page.get_by_role("button", name="Preview").click()

    # Step 3: the first rows checked; the hostile name is shown as text, nothing saved yet.
    expect(page.get_by_test_id("preview-summary")).to_have_text(
        "3 rows checked: 2 would import, 1 would be rejected."
    )
    expect(page.get_by_text("email: Enter a valid email address.")).to_be_visible()
    expect(page.get_by_text("<img src=x onerror=alert(1)>")).to_be_visible()
    assert Customer.objects.count() == 0
    page.get_by_role("button", name="Import all rows").click()

    # Step 4: the run's report with its counts and the downloadable errors.
    expect(page.get_by_test_id("import-status")).to_have_text("Done")
    expect(page.get_by_test_id("created")).to_have_text("2")
    expect(page.get_by_test_id("failed")).to_have_text("1")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the 1 rejected rows' errors (CSV)").click()
    report = Path(download.value.path()).read_text()
    assert report.splitlines() == ["row,column,message", "5,email,Enter a valid email address."]

    ada = Customer.objects.get(external_ids__value="C1")
    assert ada.created_at.date().isoformat() == "2024-03-31"
    assert MappingTemplate.objects.get().name == "Shop export"
