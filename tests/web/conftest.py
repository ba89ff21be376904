"""A small shop for the page tests: a customer with orders, a ticket, a review and a deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer
from smartcrm.feedback.models import Review
from smartcrm.orders.models import Order
from smartcrm.pipeline.models import Deal, Stage
from smartcrm.support.models import Ticket
from tests import factories

XSS = "<img src=x onerror=alert(1)><script>alert(1)</script>"


@dataclass
class Shop:
    customer: Customer
    product: Product
    order: Order
    ticket: Ticket
    review: Review
    stages: list[Stage]
    deal: Deal


@pytest.fixture
def shop(db: Any) -> Shop:
    now = timezone.now()
    customer = factories.CustomerFactory(
        first_name="Ada",
        last_name="Lovelace",
        name="Ada Lovelace",
        search_text="ada lovelace springfield",
        phone="+15555550123",
        street_address="1 Analytical Engine Way",
        orders_count=1,
        total_spent=Decimal("42.00"),
        first_order_at=now - timedelta(days=3),
        last_order_at=now - timedelta(days=3),
    )
    product = factories.ProductFactory(name="Brass Gear")
    order = factories.OrderFactory(
        customer=customer,
        placed_at=now - timedelta(days=3),
        total=Decimal("42.00"),
        subtotal=Decimal("42.00"),
    )
    factories.OrderLineFactory(order=order, product=product, quantity=2, line_total=Decimal("42.00"))
    ticket = factories.TicketFactory(customer=customer, subject="Gear arrived bent", order=order)
    factories.TicketMessageFactory(ticket=ticket, body="My gear is bent, please help.")
    review = Review.objects.create(
        customer=customer, product=product, rating=4, title="Solid", body="Turns well.", created_at=now
    )
    stages = [
        factories.StageFactory(name="Qualified", position=0, probability=10),
        factories.StageFactory(name="Proposal", position=1, probability=30),
        factories.StageFactory(name="Won", position=2, probability=100),
    ]
    deal = factories.DealFactory(title="Gears for the mill", stage=stages[0], customer=customer)
    return Shop(customer, product, order, ticket, review, stages, deal)
