"""Saved-view columns are applied: each list prints the columns chosen, in their order (the
default set when none), offers a picker, and refuses a name outside its allow-list."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.collaboration import columns, saved_views
from smartcrm.collaboration.models import SavedView
from smartcrm.support.services import open_ticket
from smartcrm.teams import services as teams
from smartcrm.teams.models import RecordKind
from tests.factories import CustomerFactory, DealFactory, OrderFactory, StageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _heads(html: str) -> list[str]:
    return re.findall(r'<th[^>]*data-column="([a-z_0-9]+)"', html)


def test_each_list_shows_its_default_columns_without_a_choice(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    CustomerFactory()
    lists = (
        ("/customers/", "customers"),
        ("/orders/", "orders"),
        ("/inbox/", "tickets"),
        ("/inbox/urgency/", "tickets"),
    )
    for url, kind in lists:
        page = client.get(url)
        assert page.status_code == 200
        assert _heads(page.content.decode()) == columns.default_keys(kind)
    assert "team" not in columns.default_keys("tickets")  # a busy inbox does without it


def test_the_chosen_columns_are_printed_in_their_order_and_kept_by_the_filters(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    CustomerFactory(name="Li Na", country="CN")
    page = client.get(
        "/customers/?country=CN&columns=total_spent&columns=name&columns=churn_risk"
    ).content.decode()
    assert _heads(page) == ["total_spent", "name", "churn_risk"]
    assert "Li Na" in page and "Customer since</th>" not in page
    # the filter form carries the columns, so a new filter keeps them
    assert page.count('<input type="hidden" name="columns" value="total_spent">') >= 1
    picker = re.findall(
        r'name="columns" value="([a-z_0-9]+)"( checked)?', page.split('id="column-picker"')[1]
    )
    assert [key for key, _ in picker][:3] == ["total_spent", "name", "churn_risk"]
    assert [key for key, on in picker if on] == ["total_spent", "name", "churn_risk"]
    orders = client.get("/orders/?columns=total&columns=number")
    assert _heads(orders.content.decode()) == ["total", "number"]


def test_a_saved_views_columns_open_with_it_on_the_tickets_list(client_for: Any) -> None:
    agent = UserFactory(username="agent", role=Role.SUPPORT)
    team = teams.create_team(actor="t", name="Desk")
    teams.add_member(actor="t", team=team, user=agent)
    teams.create_rule(actor="t", name="all", record_kind=RecordKind.TICKET, team=team)
    open_ticket(actor="w", customer=CustomerFactory(), subject="Broken kettle", body="?")
    view = saved_views.save_view(
        owner=agent, list_kind="tickets", name="Mine", filters={"priority": "normal"},
        columns=["subject", "team", "assignee"],
    )  # fmt: skip
    url = saved_views.list_url(view)
    assert url == "/inbox/?priority=normal&columns=subject&columns=team&columns=assignee"
    client = Client()
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert _heads(page) == ["subject", "team", "assignee"]
    assert "Desk" in page and "Broken kettle" in page


@pytest.mark.parametrize("hostile", ["password", "<script>alert(1)</script>", "name__customer__email"])
def test_an_unknown_column_is_refused_with_the_choices(client_for: Any, hostile: str) -> None:
    client = client_for(Role.ADMIN)
    page = client.get("/customers/", {"columns": ["name", hostile]})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Unknown column" in html and "one of: name, kind, source" in html
    assert "<script>alert(1)</script>" not in html
    assert _heads(html) == columns.default_keys("customers")  # the list still shows


def test_the_api_and_the_service_refuse_unknown_columns(api_as: Any) -> None:
    api = api_as(Role.SUPPORT)
    refused = api.post("/saved-views", {"list_kind": "orders", "name": "x", "columns": ["number", "cost"]})
    assert refused.status_code == 422
    assert "Unknown column 'cost'; one of: number, placed_at" in refused.content.decode()
    made = api.post(
        "/saved-views", {"list_kind": "orders", "name": "x", "columns": ["total", "number", "total"]}
    )
    assert made.status_code == 201 and made.json()["columns"] == ["total", "number"]
    assert made.json()["url"] == "/orders/?columns=total&columns=number"


def test_saving_a_view_from_a_list_keeps_its_columns_in_order(client_for: Any) -> None:
    client = client_for(Role.SALES)
    form = client.get("/views/new/?list=orders&status=paid&columns=total&columns=number").content.decode()
    boxes = re.findall(r'name="columns" value="([a-z_]+)"[^>]*?( checked)?>', form)
    assert [key for key, on in boxes if on] == ["total", "number"]
    assert "status=paid" in form and "columns=" not in form.split('name="filters"')[1][:80]
    posted = client.post(
        "/views/new/?list=orders",
        {"list": "orders", "name": "Paid", "filters": "status=paid", "columns": ["total", "number"]},
    )
    assert posted.status_code == 302
    view = SavedView.objects.get(name="Paid")
    assert (view.filters, view.columns) == ({"status": "paid"}, ["total", "number"])
    assert posted["Location"] == "/orders/?status=paid&columns=total&columns=number"
    OrderFactory()
    assert _heads(client.get(posted["Location"]).content.decode()) == ["total", "number"]


def test_a_saved_deals_view_filters_the_board_and_chooses_the_card_fields(client_for: Any) -> None:
    seller = UserFactory(username="seller", role=Role.SALES)
    mine = DealFactory(title="Tea for hotels", owner=seller, value=Decimal("900"))
    DealFactory(title="Someone else's", stage=mine.stage)
    view = saved_views.save_view(
        owner=seller, list_kind="deals", name="Mine", filters={"owner_id": str(seller.pk)},
        columns=["value", "title"],
    )  # fmt: skip
    client = Client()
    client.force_login(seller)
    url = saved_views.list_url(view)
    assert url == f"/pipeline/?owner_id={seller.pk}&columns=value&columns=title"
    board = client.get(url).content.decode()
    assert "Tea for hotels" in board and "Someone else" not in board
    card = board.split(f'id="deal-{mine.pk}"')[1].split("</article>")[0]
    assert re.findall(r'data-field="([a-z_]+)"', card) == ["value", "title"]
    assert client.get("/pipeline/?columns=probability").status_code == 400
    other = StageFactory(name="Proposal")
    moved = client.post(
        f"/pipeline/deals/{mine.pk}/move/",
        {"stage": other.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{url}",
    )
    card = moved.content.decode().split(f'id="deal-{mine.pk}"')[1].split("</article>")[0]
    assert re.findall(r'data-field="([a-z_]+)"', card) == ["value", "title"]  # kept after a move
    default = client.get("/pipeline/").content.decode()
    card = default.split(f'id="deal-{mine.pk}"')[1].split("</article>")[0]
    assert re.findall(r'data-field="([a-z_]+)"', card) == [
        "title",
        "customer",
        "value",
        "owner",
        "expected_close",
    ]
