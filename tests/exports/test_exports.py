"""Exports of the lists: formula injection defused, PII masked by role, audited, CSV and XLSX, web and API."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.core.models import AuditEvent
from smartcrm.exports.cells import csv_cell, neutralise
from tests import factories
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+1-2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_every_formula_start_is_defused_and_numbers_stay_numbers() -> None:
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralise("Ada") == "Ada"
    assert neutralise(-12) == -12
    assert csv_cell(None) == "" and csv_cell(True) == "true"


@pytest.fixture
def shop(db: Any) -> Any:
    customer = factories.CustomerFactory(first_name="=cmd|' /C calc'!A0", email="ada@example.com")
    factories.OrderFactory(customer=customer)
    return customer


def _client(make_user: Any, role: Role) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_defuses_formulas_and_masks_pii_without_the_capability(make_user: Any, shop: Any) -> None:
    rows = _csv(_client(make_user, Role.MARKETING).get("/exports/customers.csv"))
    header, row = rows[0], rows[1]
    assert row[header.index("name")].startswith("'=cmd")
    assert row[header.index("email")] == "a•••@example.com"
    unmasked = _csv(_client(make_user, Role.SALES).get("/exports/customers.csv"))
    assert unmasked[1][header.index("email")] == "ada@example.com"
    event = AuditEvent.objects.filter(action="export").order_by("pk").last()
    assert event is not None and event.changes == {
        "format": "csv",
        "unmasked_pii": True,
        "bulk_read": True,
        "rows": 1,
        "filters": {},
        "contact_fields": ["email", "phone", "street_address"],
    }


def test_xlsx_export_opens_in_a_spreadsheet_with_text_cells(make_user: Any, shop: Any) -> None:
    response = _client(make_user, Role.ADMIN).get("/exports/orders.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "number" and len(rows) == 2
    assert str(rows[1][3]).startswith("'=cmd")


@pytest.mark.parametrize(
    ("role", "kind", "status"), [(Role.MARKETING, "tickets", 200), (Role.SALES, "tickets", 403)]
)
def test_each_list_needs_its_own_capability(
    make_user: Any, shop: Any, role: Role, kind: str, status: int
) -> None:
    assert _client(make_user, role).get(f"/exports/{kind}.csv").status_code == status


def test_the_api_exports_too(make_user: Any, shop: Any) -> None:
    user = make_user(Role.ANALYST)
    client = ApiClient(create_api_token(user=user, name="t")[1], user=user)
    response = client.client.get("/api/v1/exports/customers?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][rows[0].index("email")] == "a•••@example.com"
    assert client.client.get("/api/v1/exports/deals").status_code == 422


def test_headers_are_in_the_users_language_and_the_audit_keeps_the_keys(make_user: Any, shop: Any) -> None:
    user = make_user(Role.ADMIN)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    header = _csv(client.get("/exports/customers.csv"))[0]
    assert header[:4] == ["ID", "名称", "公司名称", "电子邮件"] and "订单数" in header
    xlsx = b"".join(client.get("/exports/orders.xlsx").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert next(workbook.worksheets[0].iter_rows(values_only=True))[:3] == ("订单号", "外部 ID", "客户 ID")
    event = AuditEvent.objects.filter(action="export", object_type="exports.customers").last()
    assert event is not None and event.changes["contact_fields"] == ["email", "phone", "street_address"]
    english = _csv(_client(make_user, Role.SALES).get("/exports/customers.csv"))[0]
    assert english[:4] == ["id", "name", "company_name", "email"]
