"""'Select all matching' at scale: a few thousand customers chosen by the list's filters (the web
banner's count, the API's ``filters``) are resolved on the worker, read in keyset chunks with the
progress after each, and only as far as the actor may still act on them when the run starts."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.bulk import runner
from smartcrm.bulk.models import BulkRun, BulkStatus
from smartcrm.bulk.selection import customers_of, id_chunks
from smartcrm.collaboration.models import ListKind
from smartcrm.collaboration.saved_views import save_view
from smartcrm.customers.models import Customer
from smartcrm.teams import services as teams
from smartcrm.teams.models import TeamKind
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

MANY = 2_600  # more than five batches of runner.BATCH


def _customers(n: int, **fields: Any) -> None:
    Customer.objects.bulk_create([CustomerFactory.build(**fields) for _ in range(n)], batch_size=1000)


def test_the_api_sends_filters_and_the_worker_resolves_them_in_chunks(
    api_as: Any,
) -> None:
    """(The test's transaction never commits: the run stays queued until the test runs it, as
    the worker would.)"""
    _customers(MANY, country="CN")
    _customers(40, country="US")
    manager = api_as(Role.MANAGER)
    started = manager.post(
        "/bulk-actions", {"action": "tag", "value": "Spring", "filters": {"country": "CN"}}
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["selection"], body["status"], body["total"], body["view_id"]) == (
        "filters",
        "queued",
        0,
        None,
    )
    run = BulkRun.objects.get(pk=body["id"])
    assert run.customer_ids == [] and run.filters["country"] == "CN"  # the filter, not the ids
    chunks = list(id_chunks(customers_of(run), runner.BATCH))
    assert [len(c) for c in chunks] == [500] * 5 + [100]
    assert all(a[-1] < b[0] for a, b in itertools.pairwise(chunks))  # keyset order
    assert runner.run(body["id"]) == MANY
    done = manager.get(f"/bulk-actions/{body['id']}").json()
    assert (done["status"], done["total"], done["done"], done["percent"]) == ("done", MANY, MANY, 100)
    assert Customer.objects.filter(tags__name="spring").count() == MANY
    assert not Customer.objects.filter(country="US", tags__name="spring").exists()


def test_the_api_refuses_two_selections_a_bad_filter_and_a_role_without_edit_customers(api_as: Any) -> None:
    customer = CustomerFactory()
    manager = api_as(Role.MANAGER)
    both = manager.post(
        "/bulk-actions", {"action": "tag", "value": "x", "customer_ids": [customer.pk], "filters": {}}
    )
    assert both.status_code == 422
    assert [item["loc"] for item in both.json()["detail"]] == [["body", "payload", "selection"]]
    bad = manager.post("/bulk-actions", {"action": "tag", "value": "x", "filters": {"country": "CHN"}})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][:4] == ["body", "payload", "filters", "country"]
    analyst = api_as(Role.ANALYST)
    refused = analyst.post("/bulk-actions", {"action": "export", "value": "", "filters": {}})
    assert refused.status_code == 403
    assert not BulkRun.objects.exists()


def test_a_role_changed_before_the_run_starts_leaves_every_customer_alone() -> None:
    _customers(30, country="CN")
    seller = UserFactory(username="seller", role=Role.SALES)
    client = Client()
    client.force_login(seller)
    client.post("/customers/bulk/", {"country": "CN", "all_matching": "on", "action": "tag", "value": "x"})
    seller.role = Role.ANALYST  # may no longer change customers
    seller.save(update_fields=["role"])
    run = BulkRun.objects.get()
    assert runner.run(run.pk) == 0
    run.refresh_from_db()
    assert (run.status, run.done, run.error) == (BulkStatus.FAILED, 0, "Your role may no longer do this.")
    assert not Customer.objects.filter(tags__name="x").exists()
    assert "Your role may no longer do this." in client.get(f"/bulk/{run.pk}/").content.decode()


def test_a_shared_view_no_longer_shared_with_the_actor_is_not_run(api_as: Any) -> None:
    _customers(20, country="CN")
    owner = UserFactory(username="owner", role=Role.MANAGER)
    team = teams.create_team(actor="t", name="sales", kind=TeamKind.SALES)
    teams.add_member(actor="t", team=team, user=owner)
    view = save_view(
        owner=owner, list_kind=ListKind.CUSTOMERS, name="China", filters={"country": "CN"}, team=team
    )
    member = api_as(Role.SALES)
    teams.add_member(actor="t", team=team, user=member.user)
    started = member.post("/bulk-actions", {"action": "tag", "value": "cn", "view_id": view.pk})
    assert started.status_code == 201 and started.json()["selection"] == "view"
    teams.remove_member(actor="t", team=team, user=member.user)
    runner.run(started.json()["id"])
    failed = member.get(f"/bulk-actions/{started.json()['id']}").json()
    assert failed["status"] == "failed" and "no longer" in failed["error"]
    assert not Customer.objects.filter(tags__name="cn").exists()


def test_the_banner_counts_every_matching_customer_only_when_asked() -> None:
    _customers(1_234, country="CN", name="Tea house")
    _customers(5, country="US")
    manager = UserFactory(username="boss", role=Role.MANAGER)
    client = Client()
    client.force_login(manager)
    page = client.get("/customers/?country=CN").content.decode()
    assert "data-select-banner" in page and "1,234" not in page  # not counted with the page
    assert 'hx-post="/customers/matching-count/"' in page
    counted = client.post("/customers/matching-count/", {"country": "CN", "q": "tea"}).content.decode()
    assert "Select all 1,234 customers matching these filters" in counted
    assert "All 1,234 customers matching these filters are selected." in counted
    assert (
        "Select all 5 customers"
        in client.post("/customers/matching-count/", {"country": "US"}).content.decode()
    )
    outsider = Client()
    outsider.force_login(UserFactory(username="nobody", role=Role.SALES))
    assert outsider.post("/customers/matching-count/", {"country": "CN"}).status_code == 200
    anonymous = Client().post("/customers/matching-count/", {"country": "CN"})
    assert anonymous.status_code == 302 and "1,234" not in anonymous.content.decode()
