"""A saved view's columns are put in order with up and down buttons (a plain form post; htmx
swaps only the view's column cell): the order is stored, everyone the view is shared with sees
the list in it, and the list's own picker moves a column by a link to the reordered address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.collaboration import columns, saved_views
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.teams import services as teams
from smartcrm.teams.models import TeamKind
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _heads(html: str) -> list[str]:
    return re.findall(r'<th[^>]*data-column="([a-z_0-9]+)"', html)


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _view(owner: Any, **kwargs: Any) -> SavedView:
    return saved_views.save_view(
        owner=owner, list_kind=ListKind.CUSTOMERS, name="China", filters={"country": "CN"}, **kwargs
    )


def test_moving_a_column_stores_the_new_order_and_refuses_what_the_view_does_not_show() -> None:
    owner = UserFactory(username="owner", role=Role.MANAGER)
    view = _view(owner, columns=["name", "country", "total_spent"])
    assert saved_views.move_column(actor=owner, view=view, column="total_spent", direction="up") == [
        "name", "total_spent", "country",
    ]  # fmt: skip
    saved_views.move_column(actor=owner, view=view, column="total_spent", direction="up")
    saved_views.move_column(actor=owner, view=view, column="total_spent", direction="up")  # at the top
    view.refresh_from_db()
    assert view.columns == ["total_spent", "name", "country"]
    assert (
        AuditEvent.objects.filter(
            object_type="collaboration.savedview", changes__columns__isnull=False
        ).count()
        == 2
    )
    with pytest.raises(ServiceValidationError) as raised:
        saved_views.move_column(actor=owner, view=view, column="churn_risk", direction="up")  # not shown
    assert set(raised.value.errors) == {"column"}
    with pytest.raises(ServiceValidationError):
        saved_views.move_column(actor=owner, view=view, column="name", direction="sideways")
    plain = saved_views.save_view(owner=owner, list_kind=ListKind.CUSTOMERS, name="All", filters={})
    saved_views.move_column(actor=owner, view=plain, column="kind", direction="up")  # from the defaults
    plain.refresh_from_db()
    defaults = columns.default_keys(ListKind.CUSTOMERS)
    assert plain.columns == ["kind", "name", *defaults[2:]]


def test_the_buttons_post_without_javascript_and_htmx_gets_the_cell_back() -> None:
    owner = UserFactory(username="owner", role=Role.MANAGER)
    view = _view(owner, columns=["name", "country", "total_spent"])
    client = _login(owner)
    page = client.get("/views/").content.decode()
    cell = page.split(f'id="view-columns-{view.pk}"')[1].split("</ol>")[0]
    assert re.findall(r'data-column="([a-z_]+)"', cell) == ["name", "country", "total_spent"]
    assert f'action="/views/{view.pk}/columns/"' in cell and 'value="up"' in cell
    moved = client.post(f"/views/{view.pk}/columns/", {"column": "country", "direction": "down"})
    assert (moved.status_code, moved["Location"]) == (302, "/views/")
    assert SavedView.objects.get(pk=view.pk).columns == ["name", "total_spent", "country"]
    swapped = client.post(
        f"/views/{view.pk}/columns/", {"column": "name", "direction": "down"}, HTTP_HX_REQUEST="true"
    )
    assert swapped.status_code == 200
    html = swapped.content.decode()
    assert html.lstrip().startswith('<ol class="view-columns')
    assert re.findall(r'data-column="([a-z_]+)"', html) == ["total_spent", "name", "country"]
    refused = client.post(
        f"/views/{view.pk}/columns/", {"column": "churn_risk", "direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert (
        refused.status_code == 400
        and "Only a column the list shows can be moved." in refused.content.decode()
    )


def test_a_shared_view_keeps_its_order_for_the_team_who_cannot_change_it() -> None:
    owner = UserFactory(username="owner", role=Role.MANAGER)
    mate = UserFactory(username="mate", role=Role.SALES)
    team = teams.create_team(actor="t", name="sales", kind=TeamKind.SALES)
    teams.add_member(actor="t", team=team, user=owner)
    teams.add_member(actor="t", team=team, user=mate)
    view = _view(owner, columns=["name", "country", "total_spent"], team=team)
    _login(owner).post(f"/views/{view.pk}/columns/", {"column": "total_spent", "direction": "up"})
    CustomerFactory(country="CN", name="Li Na")
    mate_client = _login(mate)
    listing = mate_client.get("/views/").content.decode()
    cell = listing.split(f'id="view-columns-{view.pk}"')[1].split("</ol>")[0]
    assert re.findall(r'data-column="([a-z_]+)"', cell) == ["name", "total_spent", "country"]
    assert "<form" not in cell  # only the owner reorders
    view.refresh_from_db()  # the link the saved views page gives the teammate
    page = mate_client.get(saved_views.list_url(view)).content.decode()
    assert _heads(page) == ["name", "total_spent", "country"] and "Li Na" in page
    assert (
        mate_client.post(f"/views/{view.pk}/columns/", {"column": "name", "direction": "down"}).status_code
        == 404
    )
    assert SavedView.objects.get(pk=view.pk).columns == ["name", "total_spent", "country"]


def test_the_list_picker_moves_a_column_by_a_link_to_the_reordered_list(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    CustomerFactory(country="CN")
    page = client.get(
        "/customers/?country=CN&columns=name&columns=country&columns=total_spent"
    ).content.decode()
    assert _heads(page) == ["name", "country", "total_spent"]
    picker = page.split('id="column-picker"')[1].split("</details>")[0]
    country = picker.split('data-picker-column="country"')[1].split("</span></span>")[0]
    up = re.search(r'href="([^"]+)" data-move="up"', country)
    assert up is not None
    moved = client.get(up.group(1).replace("&amp;", "&")).content.decode()
    assert _heads(moved) == ["country", "name", "total_spent"]
    assert "country=CN" in up.group(1)  # the filters are kept
    name = picker.split('data-picker-column="name"')[1].split("</span></span>")[0]
    assert 'data-move="up"' not in name and 'data-move="down"' in name  # the first cannot go up
    assert 'data-picker-column="churn_risk"' in picker
    hidden = picker.split('data-picker-column="churn_risk"')[1].split("data-picker-column=")[0]
    assert "data-move" not in hidden  # a column not shown has no order
