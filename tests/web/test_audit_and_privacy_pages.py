"""The audit log page (filters, pages, formula-safe CSV export) and the privacy screens: who may
open them, and that the customer's export and erasure work from the 360 page."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.core import audit
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.customers.services import set_consent
from tests import factories

OTHER_ROLES = [Role.SALES, Role.SUPPORT, Role.MARKETING, Role.ANALYST]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_admins_and_managers_open_the_audit_and_privacy_pages(client_for: Any, role: Role) -> None:
    client = client_for(role)
    assert client.get("/audit/").status_code == 200
    assert client.get("/privacy/").status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(client_for: Any, role: Role) -> None:
    client = client_for(role)
    customer = factories.CustomerFactory()
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/privacy/").status_code == 403
    assert client.post(f"/customers/{customer.pk}/privacy/export/").status_code == 403
    assert (
        client.post(f"/customers/{customer.pk}/privacy/erase/", {"confirm": customer.pk}).status_code == 403
    )
    assert Customer.objects.get(pk=customer.pk).erased_at is None
    assert "Download their data" not in client.get(f"/customers/{customer.pk}/").content.decode()


def test_the_audit_page_filters_by_user_customer_action_and_time(client_for: Any) -> None:
    customer = factories.CustomerFactory()
    audit.record("cli:import", AuditAction.UPDATE, customer, changes={"kind": "changed"})
    audit.record("someone", AuditAction.VIEW_PII, customer)
    audit.record("someone", AuditAction.EXPORT, object_type="exports.customers")
    client = client_for(Role.ADMIN)

    def rows(**query: Any) -> list[AuditEvent]:
        page = client.get("/audit/", query).context["page"]
        return list(page.items)

    assert {e.action for e in rows(customer=customer.pk)} == {"update", "view_pii"}
    assert [e.action for e in rows(actor="someone", action="view_pii")] == ["view_pii"]
    today = timezone.localdate()
    assert len(rows(actor="someone", since=today, until=today)) == 2
    assert rows(actor="someone", until=today - timedelta(days=1)) == []
    page = client.get("/audit/", {"customer": customer.pk}, HTTP_HX_REQUEST="true")
    assert b"<html" not in page.content and b"view_pii" not in page.content  # the label shows, not the key
    assert "View unmasked PII" in page.content.decode()


def test_the_audit_page_pages(client_for: Any) -> None:
    for i in range(55):
        audit.record("pager", AuditAction.UPDATE, object_type="t", object_id=str(i))
    client = client_for(Role.ADMIN)
    first = client.get("/audit/", {"actor": "pager"}).context["page"]
    second = client.get("/audit/", {"actor": "pager", "page": 2}).context["page"]
    assert (len(first.items), first.has_next, len(second.items), second.has_next) == (50, True, 5, False)
    assert first.items[0].seq > second.items[0].seq


def test_the_audit_export_is_formula_safe_and_audited(client_for: Any) -> None:
    audit.record("=cmd|' /C calc'!A0", AuditAction.UPDATE, object_type="t")
    response = client_for(Role.ADMIN).get("/audit/export.csv", {"action": "update"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["actor"] == "'=cmd|' /C calc'!A0"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="core.auditevent").exists()


def test_a_manager_downloads_and_erases_a_customer_from_the_360_page(client_for: Any) -> None:
    customer = factories.CustomerFactory(email="erase.me@example.com")
    set_consent(actor="test", customer=customer, channel="chat", status="granted", source="checkout form")
    client = client_for(Role.MANAGER)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Download their data" in page and "Erase their data" in page
    assert "checkout form" in page  # the consent card says where each consent came from
    assert client.get(f"/customers/{customer.pk}/privacy/export/").status_code == 405  # POST only
    download = client.post(f"/customers/{customer.pk}/privacy/export/")
    assert download["Content-Type"] == "application/zip"
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()

    assert client.get(f"/customers/{customer.pk}/privacy/erase/").status_code == 200
    wrong = client.post(f"/customers/{customer.pk}/privacy/erase/", {"confirm": "yes"})
    assert wrong.status_code == 400 and Customer.objects.get(pk=customer.pk).erased_at is None
    done = client.post(f"/customers/{customer.pk}/privacy/erase/", {"confirm": str(customer.pk)})
    assert done.status_code == 302
    erased = Customer.objects.get(pk=customer.pk)
    assert erased.erased_at is not None and erased.email == ""
    assert AuditEvent.objects.filter(
        action=AuditAction.ERASE_PERSONAL_DATA, object_id=str(customer.pk)
    ).exists()
