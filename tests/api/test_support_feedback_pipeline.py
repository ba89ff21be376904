"""Tickets and messages, reviews, deals and stages through the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.feedback.models import Review
from smartcrm.pipeline.models import Deal
from tests.api.client import ApiClient
from tests.factories import (
    CustomerFactory,
    DealFactory,
    OrderFactory,
    ProductFactory,
    StageFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def test_ticket_lifecycle(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SUPPORT)
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    created = client.post(
        "/tickets",
        {
            "customer_id": customer.pk,
            "order_id": order.pk,
            "subject": "Parcel late",
            "body": "Where is it? 📦",
            "priority": "high",
        },
    )
    assert created.status_code == 201
    ticket = created.json()
    assert ticket["messages"][0]["body"] == "Where is it? 📦"
    assert ticket["messages"][0]["author_kind"] == "customer"

    reply = client.post(f"/tickets/{ticket['id']}/messages", {"body": "On its way."})
    assert reply.status_code == 201
    assert reply.json()["author"] == client.user.username
    note = client.post(f"/tickets/{ticket['id']}/messages", {"body": "Check carrier", "internal": True})
    assert note.json()["is_internal"] is True
    assert client.get(f"/tickets/{ticket['id']}").json()["status"] == "pending"
    client.post(f"/tickets/{ticket['id']}/messages", {"body": "Still nothing", "author": "customer"})
    thread = client.get(f"/tickets/{ticket['id']}").json()
    assert thread["status"] == "open"
    assert len(thread["messages"]) == 4

    patched = client.patch(
        f"/tickets/{ticket['id']}", {"status": "solved", "priority": "low", "assignee_id": client.user.pk}
    )
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["priority"]) == ("solved", "low")
    assert patched.json()["assignee"] == client.user.username
    unassigned = client.patch(f"/tickets/{ticket['id']}", {"assignee_id": None}).json()
    assert unassigned["assignee"] is None and unassigned["status"] == "solved"
    unknown = client.patch(f"/tickets/{ticket['id']}", {"assignee_id": 999999})
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "assignee_id"]


def test_ticket_errors(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SUPPORT)
    customer, stranger_order = CustomerFactory(), OrderFactory()
    empty = client.post("/tickets", {"customer_id": customer.pk, "subject": "  ", "body": "x"})
    assert empty.json()["detail"][0]["loc"] == ["body", "payload", "subject"]
    foreign = client.post(
        "/tickets", {"customer_id": customer.pk, "subject": "s", "body": "b", "order_id": stranger_order.pk}
    )
    assert foreign.json()["detail"][0]["loc"] == ["body", "payload", "order_id"]
    ticket = TicketFactory(customer=customer)
    blank = client.post(f"/tickets/{ticket.pk}/messages", {"body": " "})
    assert blank.json()["detail"][0]["loc"] == ["body", "payload", "body"]
    assert client.patch(f"/tickets/{ticket.pk}", {"status": "gone"}).status_code == 422
    assert client.post("/tickets/999999/messages", {"body": "hi"}).status_code == 404


def test_inbox_filters(api_as: Callable[[Role], ApiClient]) -> None:
    customer = CustomerFactory()
    urgent = TicketFactory(customer=customer, priority="urgent", subject="Refund please")
    normal = TicketFactory(subject="Question")
    solved = TicketFactory(status="solved", subject="Thanks")
    client = api_as(Role.ANALYST)

    def ids(query: str) -> list[int]:
        return [t["id"] for t in client.get(f"/tickets?{query}").json()["items"]]

    assert ids("") == [urgent.pk, normal.pk]
    assert ids("status=solved") == [solved.pk]
    assert ids("priority=urgent") == [urgent.pk]
    assert ids(f"customer_id={customer.pk}") == [urgent.pk]
    assert ids("search=refund") == [urgent.pk]
    assert client.get("/tickets?page_size=1").json()["has_next"] is True


def test_review_lifecycle(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.MARKETING)
    customer, product = CustomerFactory(), ProductFactory(name="Green tea")
    created = client.post(
        "/reviews",
        {
            "customer_id": customer.pk,
            "product_id": product.pk,
            "rating": 4,
            "title": "Nice",
            "body": "Très bon",
        },
    )
    assert created.status_code == 201
    review = created.json()
    assert (review["product_name"], review["status"]) == ("Green tea", "published")

    assert client.get(f"/reviews?product_id={product.pk}").json()["items"][0]["id"] == review["id"]
    assert client.get("/reviews?rating=5").json()["items"] == []
    assert client.get(f"/reviews?customer_id={customer.pk}&language=en").json()["items"] != []
    assert client.patch(f"/reviews/{review['id']}", {"status": "hidden"}).json()["status"] == "hidden"
    assert client.patch(f"/reviews/{review['id']}", {"status": "deleted"}).status_code == 422
    assert client.get(f"/reviews/{review['id']}").status_code == 200

    deleted = client.delete(f"/reviews/{review['id']}")
    assert deleted.status_code == 204
    assert not Review.objects.exists()
    assert client.delete(f"/reviews/{review['id']}").status_code == 404


def test_review_errors(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SUPPORT)
    customer, product = CustomerFactory(), ProductFactory()
    for rating in (0, 6, "five"):
        bad = client.post(
            "/reviews", {"customer_id": customer.pk, "product_id": product.pk, "rating": rating}
        )
        assert bad.json()["detail"][0]["loc"] == ["body", "payload", "rating"]
    unknown = client.post("/reviews", {"customer_id": customer.pk, "product_id": 999999, "rating": 3})
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "product_id"]


def test_deal_lifecycle_and_stages(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SALES)
    qualified = StageFactory(name="Qualified", position=0, probability=10)
    won = StageFactory(name="Won", position=1, probability=100, is_won=True)
    customer = CustomerFactory()
    assert [s["name"] for s in client.get("/stages").json()] == ["Qualified", "Won"]

    created = client.post(
        "/deals",
        {"title": "Café chain", "stage_id": qualified.pk, "value": "12000", "customer_id": customer.pk},
    )
    assert created.status_code == 201
    deal = created.json()
    assert (deal["owner"], deal["stage"]["name"], deal["value"]) == (
        client.user.username,
        "Qualified",
        "12000.00",
    )

    moved = client.patch(
        f"/deals/{deal['id']}", {"stage_id": won.pk, "value": "15000", "expected_close": None}
    )
    assert moved.status_code == 200
    assert moved.json()["stage"]["is_won"] is True
    assert moved.json()["closed_at"] is not None
    assert moved.json()["value"] == "15000.00"

    assert [d["id"] for d in client.get(f"/deals?stage_id={won.pk}").json()["items"]] == [deal["id"]]
    assert client.get(f"/deals?owner_id={client.user.pk}").json()["items"][0]["id"] == deal["id"]
    assert client.get(f"/deals?stage_id={qualified.pk}").json()["items"] == []

    bad_stage = client.patch(f"/deals/{deal['id']}", {"stage_id": 999999})
    assert bad_stage.json()["detail"][0]["loc"] == ["body", "payload", "stage_id"]
    assert client.patch(f"/deals/{deal['id']}", {"title": " "}).status_code == 422
    assert client.delete(f"/deals/{deal['id']}").status_code == 204
    assert not Deal.objects.exists()


def test_deal_list_pages(api_as: Callable[[Role], ApiClient]) -> None:
    DealFactory.create_batch(3)
    client = api_as(Role.MANAGER)
    page = client.get("/deals?page_size=2").json()
    assert (len(page["items"]), page["has_next"]) == (2, True)
    assert client.get("/deals/999999").status_code == 404
