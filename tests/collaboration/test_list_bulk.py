"""Bulk actions from the customer list: the ticked rows or every customer the filters match (all
pages, search included), with progress; an export through the exports app (formula-safe, masked
by role, audited); each action checked against the caller's role."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.bulk.models import BulkAction, BulkRun, BulkStatus
from smartcrm.bulk.services import actions_for
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(role: Role, username: str) -> tuple[Client, Any]:
    user = UserFactory(username=username, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def test_select_all_matching_acts_on_every_page_of_the_filtered_list(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client, _user = _client(Role.MANAGER, "boss")
    matching = [CustomerFactory(country="CN", name=f"Tea house {i}") for i in range(57)]  # > one page
    CustomerFactory(country="CN", name="Coffee bar")  # the search leaves it out
    CustomerFactory(country="US", name="Tea room")  # the country leaves it out
    page = client.get("/customers/?country=CN&q=tea").content.decode()
    assert page.count("data-select-row") == 50 and 'name="all_matching"' in page
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/customers/bulk/",
            {"country": "CN", "q": "tea", "all_matching": "on", "action": "tag", "value": "Tea"},
        )
    assert started.status_code == 302
    run = BulkRun.objects.get()
    assert started["Location"] == f"/bulk/{run.pk}/"
    assert (run.status, run.total, run.done) == (BulkStatus.DONE, 57, 57)
    tagged = set(Customer.objects.filter(tags__name="tea").values_list("pk", flat=True))
    assert tagged == {c.pk for c in matching}
    progress = client.get(started["Location"]).content.decode()
    assert "57 of 57 done" in progress and 'value="100"' in progress


def test_ticked_rows_get_an_owner(django_capture_on_commit_callbacks: Any) -> None:
    client, user = _client(Role.SALES, "seller")
    picked, left = CustomerFactory(), CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/customers/bulk/", {"ids": [str(picked.pk)], "action": "assign_owner", "value": str(user.pk)}
        )
    picked.refresh_from_db()
    left.refresh_from_db()
    assert (picked.owner, left.owner) == (user, None)
    refused = client.post("/customers/bulk/", {"action": "tag", "value": "x"}, follow=True)  # nothing ticked
    assert "Tick some customers" in refused.content.decode()
    assert (
        client.post("/customers/bulk/", {"ids": ["1; drop"], "action": "tag", "value": "x"}).status_code
        == 302
    )
    assert BulkRun.objects.count() == 1


def test_an_export_is_formula_safe_masked_for_the_role_audited_and_only_for_its_actor(
    django_capture_on_commit_callbacks: Any,
) -> None:
    marketer, user = _client(Role.MARKETING, "marketer")  # sees customers, not their contact details
    CustomerFactory(name='=HYPERLINK("http://evil.example")', email="ada@example.com", country="CN")
    CustomerFactory(name="Plain", country="CN")
    CustomerFactory(name="Elsewhere", country="US")
    with django_capture_on_commit_callbacks(execute=True):
        started = marketer.post(
            "/customers/bulk/", {"country": "CN", "all_matching": "on", "action": "export"}
        )
    run = BulkRun.objects.get()
    assert started["Location"] == f"/bulk/{run.pk}/"
    assert (run.action, run.status, run.done) == (BulkAction.EXPORT, BulkStatus.DONE, 2)
    assert f"/bulk/{run.pk}/download/" in marketer.get(started["Location"]).content.decode()
    download = marketer.get(f"/bulk/{run.pk}/download/")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert sorted(r["name"] for r in rows) == ['\'=HYPERLINK("http://evil.example")', "Plain"]
    assert all("•••@example.com" in r["email"] for r in rows) and "ada@" not in str(rows)
    audit = AuditEvent.objects.get(object_type="exports.customers")
    assert (audit.actor, audit.changes["rows"], audit.changes["unmasked_pii"]) == (user, 2, False)
    assert audit.changes["filters"]["country"] == "CN"
    other, _other_user = _client(Role.MANAGER, "someone-else")
    assert other.get(f"/bulk/{run.pk}/download/").status_code == 404
    assert other.get(f"/bulk/{run.pk}/").status_code == 404


def test_each_bulk_action_needs_its_capability() -> None:
    roles = {role: [a for a, _ in actions_for(UserFactory(username=role.value, role=role))] for role in Role}
    assert roles[Role.ANALYST] == ["export"]  # reads, never changes customers
    assert roles[Role.MARKETING] == ["add_to_campaign", "export"]
    assert roles[Role.SUPPORT] == ["tag", "assign_owner", "assign_team", "export"]
    assert set(roles[Role.MANAGER]) == set(BulkAction.values)
    analyst, _user = _client(Role.ANALYST, "reader")
    customer = CustomerFactory()
    refused = analyst.post(
        "/customers/bulk/", {"ids": [str(customer.pk)], "action": "tag", "value": "x"}, follow=True
    )
    assert "Select a valid choice" in refused.content.decode() and BulkRun.objects.count() == 0
    page = analyst.get("/customers/").content.decode()
    assert '<option value="export">' in page and '<option value="tag">' not in page


def test_the_api_refuses_an_action_the_role_may_not_start(api_as: Any) -> None:
    support = api_as(Role.SUPPORT)
    customer = CustomerFactory(total_spent=Decimal("5"))
    refused = support.post(
        "/bulk-actions", {"action": "add_to_campaign", "value": "1", "customer_ids": [customer.pk]}
    )
    assert refused.status_code == 422 and "manage_campaigns" in refused.content.decode()
