"""Importing support tickets and reviews: matched by a key, so re-running changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartcrm.customers.models import ExternalId
from smartcrm.feedback.models import Review
from smartcrm.imports.services import import_file
from smartcrm.support.models import Ticket
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shop() -> None:
    ExternalId.objects.create(customer=CustomerFactory(), system="import", value="C1")
    ProductFactory(sku="MUG", price=Decimal("8.50"))


def test_tickets_land_once_and_bad_rows_are_reported(write_csv) -> None:
    path = write_csv(
        "客户编号,主题,内容,priority\n"
        "C1,Mug arrived broken,It is in pieces.,high\n"
        "C9,Where is my order?,Hello,\n"
        "C1,,No subject,\n"
        "C1,Refund?,Please,yesterday\n"
    )
    result = import_file("tickets", path, actor="test")
    assert (result.created, result.failed) == (1, 3)
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "customer_external_id"),
        (4, "subject"),
        (5, "priority"),
    }
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.priority, ticket.messages.get().body) == (
        "Mug arrived broken",
        "high",
        "It is in pieces.",
    )
    again = import_file("tickets", path, actor="test")
    assert (again.created, again.unchanged) == (0, 1)
    assert Ticket.objects.count() == 1


def test_reviews_land_once_with_local_dates_and_ratings_checked(write_csv) -> None:
    path = write_csv(
        "customer_id;sku;stars;review;date\n"
        "C1;MUG;5;Lovely mug;31/03/2024\n"
        "C1;MUG;6;Too good;01/04/2024\n"
        "C1;NOPE;4;?;01/04/2024\n"
        "C1;MUG;3;Chipped;\n"
    )
    result = import_file("reviews", path, actor="test")
    assert (result.created, result.failed) == (2, 2)
    assert {(e.row, e.column) for e in result.errors} == {(3, "rating"), (4, "sku")}
    dated = Review.objects.get(rating=5)
    assert dated.created_at.date().isoformat() == "2024-03-31"
    again = import_file("reviews", path, actor="test")
    assert (again.created, again.unchanged) == (0, 2)
