"""Saved views: per user or shared with a team, checked filters, a campaign audience, a workflow
condition; bulk actions on a view's customers with progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.automation.context import customer_values
from smartcrm.bulk.models import BulkRun, BulkStatus
from smartcrm.campaigns.models import Campaign, CampaignSend
from smartcrm.collaboration.models import SavedView
from smartcrm.teams import services as teams
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
CN_BIG = {"country": "CN", "min_spent": "100"}


def test_a_shared_view_appears_for_the_team_and_only_for_it(api_as: Any) -> None:
    owner = api_as(Role.SALES)
    team = teams.create_team(actor="t", name="Sales", kind="sales", lead=owner.user)
    mate, stranger = UserFactory(username="mate", role=Role.SALES), UserFactory(username="x", role=Role.SALES)
    teams.add_member(actor="t", team=team, user=mate)
    body = {
        "list_kind": "customers",
        "name": "Big in China",
        "filters": CN_BIG,
        "columns": ["name", "total_spent"],
    }
    created = owner.post("/saved-views", {**body, "team_id": team.pk})
    assert created.status_code == 201, created.content
    assert created.json()["url"] == "/customers/?country=CN&min_spent=100&columns=name&columns=total_spent"
    mine = owner.post("/saved-views", {**body, "name": "Mine only"})
    assert mine.status_code == 201
    seen = {}
    for user in (mate, stranger):
        client = Client()
        client.force_login(user)
        seen[user.username] = [v["name"] for v in client.get("/api/v1/saved-views").json()]
    assert seen == {"mate": ["Big in China"], "x": []}
    assert [v["name"] for v in owner.get("/saved-views?list_kind=customers").json()] == [
        "Big in China",
        "Mine only",
    ]


def test_filters_and_columns_are_checked_and_a_team_must_be_yours(api_as: Any) -> None:
    api = api_as(Role.SUPPORT)
    bad = api.post("/saved-views", {"list_kind": "orders", "name": "x", "filters": {"drop table": "1"}})
    assert bad.status_code == 422 and "Unknown filter" in bad.content.decode()
    cols = api.post("/saved-views", {"list_kind": "tickets", "name": "x", "columns": ["password"]})
    assert cols.status_code == 422
    other = teams.create_team(actor="t", name="Elsewhere")
    shared = api.post("/saved-views", {"list_kind": "tickets", "name": "x", "team_id": other.pk})
    assert shared.status_code == 422
    assert (
        api.post("/saved-views", {"list_kind": "deals", "name": "x"}).status_code == 403
    )  # support: no pipeline
    ok = api.post(
        "/saved-views", {"list_kind": "tickets", "name": "Urgent", "filters": {"priority": "urgent"}}
    )
    assert ok.status_code == 201
    assert (
        api.post("/saved-views", {"list_kind": "tickets", "name": "urgent"}).status_code == 422
    )  # same name


def test_saving_the_current_filters_from_a_list_page(client_for: Any) -> None:
    client = client_for(Role.SALES)
    page = client.get("/views/new/?list=customers&country=CN&min_spent=100&page=3")
    assert page.status_code == 200 and "country=CN" in page.content.decode()
    posted = client.post(
        "/views/new/?list=customers",
        {
            "list": "customers",
            "name": "Big in China",
            "filters": "country=CN&min_spent=100",
            "columns": ["name"],
        },
    )
    assert posted.status_code == 302
    assert posted["Location"] == "/customers/?country=CN&min_spent=100&columns=name"
    view = SavedView.objects.get()
    assert (view.filters, view.columns, view.team) == (CN_BIG, ["name"], None)
    assert client.get("/views/").status_code == 200


def test_a_customer_view_is_a_campaign_audience_and_a_workflow_condition(api_as: Any) -> None:
    marketer = api_as(Role.MARKETING)
    view = SavedView.objects.create(owner=marketer.user, list_kind="customers", name="CN big", filters=CN_BIG)
    inside = CustomerFactory(country="CN", total_spent=Decimal("500"))
    outside = CustomerFactory(country="US", total_spent=Decimal("500"))
    made = marketer.post("/campaigns", {"name": "Spring", "saved_view_id": view.pk})
    assert made.status_code == 201, made.content
    assert Campaign.objects.get().saved_filter == CN_BIG
    assert customer_values(inside.pk)["customer.saved_views"] == [view.pk]
    assert customer_values(outside.pk)["customer.saved_views"] == []
    other = SavedView.objects.create(owner=UserFactory(), list_kind="customers", name="not yours")
    assert marketer.post("/campaigns", {"name": "x", "saved_view_id": other.pk}).status_code == 422


def test_a_bulk_action_tags_and_assigns_everyone_in_the_view(
    api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_as(Role.MANAGER)
    view = SavedView.objects.create(owner=api.user, list_kind="customers", name="CN big", filters=CN_BIG)
    inside = [CustomerFactory(country="CN", total_spent=Decimal("200")) for _ in range(7)]
    outside = CustomerFactory(country="CN", total_spent=Decimal("5"))
    team = teams.create_team(actor="t", name="Key accounts")
    assert (
        api.post("/bulk-actions", {"action": "tag", "value": "VIP", "view_id": view.pk}).json()["status"]
        == "queued"
    )
    BulkRun.objects.all().delete()  # its job runs after a commit the test's transaction never reaches
    with django_capture_on_commit_callbacks(execute=True):
        tagged = api.post("/bulk-actions", {"action": "tag", "value": "VIP", "view_id": view.pk})
    assert tagged.status_code == 201, tagged.content
    progress = api.get(f"/bulk-actions/{tagged.json()['id']}").json()
    assert (progress["status"], progress["total"], progress["done"], progress["percent"]) == (
        "done",
        7,
        7,
        100,
    )
    assert all(c.tags.filter(name="vip").exists() for c in inside) and not outside.tags.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assigned = api.post(
            "/bulk-actions", {"action": "assign_team", "value": str(team.pk), "view_id": view.pk}
        )
    assert assigned.status_code == 201
    assert {c.owner_team_id for c in type(outside).objects.filter(pk__in=[c.pk for c in inside])} == {team.pk}
    with django_capture_on_commit_callbacks(execute=True):
        picked = api.post(
            "/bulk-actions",
            {"action": "assign_owner", "value": str(api.user.pk), "customer_ids": [outside.pk]},
        )
    assert api.get(f"/bulk-actions/{picked.json()['id']}").json()["done"] == 1
    outside.refresh_from_db()
    assert outside.owner == api.user


def test_bulk_add_to_campaign_and_the_checks(api_as: Any, django_capture_on_commit_callbacks: Any) -> None:
    api = api_as(Role.MANAGER)
    campaign = Campaign.objects.create(key="k1", name="Spring")
    customers = [CustomerFactory() for _ in range(3)]
    ids = [c.pk for c in customers]
    with django_capture_on_commit_callbacks(execute=True):
        added = api.post(
            "/bulk-actions", {"action": "add_to_campaign", "value": str(campaign.pk), "customer_ids": ids}
        )
    assert added.status_code == 201 and api.get(f"/bulk-actions/{added.json()['id']}").json()["done"] == 3
    assert CampaignSend.objects.filter(campaign=campaign).count() == 3
    assert api.post("/bulk-actions", {"action": "tag", "value": "x"}).status_code == 422  # no selection
    assert (
        api.post("/bulk-actions", {"action": "assign_team", "value": "999", "customer_ids": ids}).status_code
        == 422
    )
    support = api_as(Role.SUPPORT)  # edits customers, does not manage campaigns
    refused = support.post(
        "/bulk-actions", {"action": "add_to_campaign", "value": str(campaign.pk), "customer_ids": ids}
    )
    assert refused.status_code == 422
    assert (
        api_as(Role.ANALYST)
        .post("/bulk-actions", {"action": "tag", "value": "x", "customer_ids": ids})
        .status_code
        == 403
    )
    assert support.get(f"/bulk-actions/{added.json()['id']}").status_code == 404  # not theirs
    assert BulkRun.objects.filter(status=BulkStatus.DONE).count() == 1


def test_the_bulk_page_shows_progress(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = make_user(Role.MANAGER)
    client = Client()
    client.force_login(user)
    view = SavedView.objects.create(
        owner=user, list_kind="customers", name="Everyone CN", filters={"country": "CN"}
    )
    CustomerFactory(country="CN")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/views/{view.pk}/bulk/", {"action": "tag", "value": "spring"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "1 of 1 done" in page.content.decode()
