"""Loading a generated shop: every table filled, PII encrypted, hashes usable, totals right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from smartcrm.activities.models import Activity
from smartcrm.catalog.models import Category, Product
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Consent, Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.demo.loader import ShopLoader
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.orders.models import Order, OrderLine, Refund
from smartcrm.orders.services import refresh_customer_totals
from smartcrm.pipeline.models import Deal, Lead
from smartcrm.support.models import Ticket, TicketMessage
from smartcrm.synth.spec import ShopSpec

SPEC = ShopSpec(n_customers=300, seed=3, end=date(2025, 6, 30), n_products=120, chunk_size=150)


@pytest.fixture
def loaded(db: Any) -> Any:
    return ShopLoader(SPEC, progress=False).run()


@pytest.mark.parametrize(
    "model",
    [Category, Product, Customer, Consent, Order, OrderLine, Refund, Ticket, TicketMessage, Review,
     SurveyResponse, Lead, Deal, Activity],
)  # fmt: skip
def test_every_table_is_filled(loaded: Any, model: Any) -> None:
    assert model.objects.exists()


def test_counts_match_the_stats_and_one_audit_event(loaded: Any) -> None:
    assert Customer.objects.count() == 300 == loaded.rows["customers"]
    assert OrderLine.objects.count() == loaded.rows["order_lines"]
    event = AuditEvent.objects.get(action="generate")
    assert event.actor_label == "generator"
    assert event.changes["seed"] == 3


def test_pii_is_encrypted_in_the_table_and_readable_through_the_orm(loaded: Any) -> None:
    customer = Customer.objects.exclude(email_hash="").order_by("id").first()
    assert customer is not None and "@" in customer.email
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, phone, street_address FROM customers_customer WHERE id = %s", [customer.pk]
        )
        raw = cursor.fetchone()
    assert customer.email not in raw[0] and "$" in raw[0]
    assert customer.street_address and customer.street_address not in raw[2]
    assert find_customer_by_email(customer.email.upper()) == customer
    lead = Lead.objects.order_by("id").first()
    assert lead is not None and "@" in lead.email


def test_names_and_search_text_are_composed_like_the_model_does(loaded: Any) -> None:
    for customer in Customer.objects.order_by("id")[:50]:
        assert customer.name == customer.compose_name()
        assert customer.search_text == customer.compose_search_text()


def test_customer_totals_match_the_orders(loaded: Any) -> None:
    before = list(Customer.objects.order_by("id").values_list("orders_count", "total_spent", "last_order_at"))
    refresh_customer_totals()
    after = list(Customer.objects.order_by("id").values_list("orders_count", "total_spent", "last_order_at"))
    assert before == after
    assert sum(t for _, t, _ in after) > Decimal(0)


def test_ids_continue_after_the_load(loaded: Any) -> None:
    top = Customer.objects.order_by("-id").values_list("id", flat=True).first()
    category = Category.objects.create(name="New", slug="new-category")
    assert category.pk > Category.objects.exclude(pk=category.pk).order_by("-id").first().pk  # type: ignore[union-attr]
    assert top == 300


def test_an_append_reuses_the_catalogue_and_keeps_ids_apart(loaded: Any) -> None:
    products = Product.objects.count()
    spec = ShopSpec(n_customers=40, seed=4, end=date(2025, 6, 30), n_products=120)
    ShopLoader(spec, progress=False).run()
    assert Customer.objects.count() == 340
    assert Product.objects.count() == products
    numbers = list(Order.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    order = Order.objects.order_by("-id").first()
    assert order is not None and order.number == f"SO-{order.pk:08d}"


def test_tickets_quote_real_order_numbers(loaded: Any) -> None:
    ticket = Ticket.objects.filter(subject__contains="SO-").select_related("order").first()
    if ticket is None:
        pytest.skip("no subject quotes an order in this small shop")
    assert ticket.order is not None and ticket.order.number in ticket.subject
