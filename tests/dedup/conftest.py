"""Two customers who are one person, each with rows in every table that points at customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.activities.models import Activity, ActivityKind, Task
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Consent, Customer, ExternalId, Note, Tag
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.orders.services import refresh_customer_totals
from smartcrm.pipeline.models import Lead
from tests import factories


@dataclass
class Twins:
    survivor: Customer
    merged: Customer


def _rows_for(customer: Customer, product: Any, stamp: str, when: Any) -> None:
    order = factories.OrderFactory(customer=customer, placed_at=when, total=Decimal("30.00"),
                                   subtotal=Decimal("30.00"))  # fmt: skip
    factories.OrderLineFactory(order=order, product=product)
    factories.TicketFactory(customer=customer, subject=f"ticket {stamp}")
    Review.objects.create(customer=customer, product=product, rating=4, created_at=when)
    SurveyResponse.objects.create(customer=customer, survey="nps", score=9, created_at=when)
    Note.objects.create(customer=customer, body=f"note {stamp}")
    Activity.objects.create(
        customer=customer, kind=ActivityKind.NOTE, summary=f"act {stamp}", occurred_at=when
    )
    Task.objects.create(customer=customer, title=f"call back {stamp}")
    factories.DealFactory(customer=customer, title=f"deal {stamp}")
    Lead.objects.create(company_name=f"lead {stamp}", customer=customer, created_at=when)
    ExternalId.objects.create(customer=customer, system="shopify", value=f"ext-{stamp}")


@pytest.fixture
def twins(db: Any) -> Twins:
    now = timezone.now()
    product = factories.ProductFactory()
    survivor = factories.CustomerFactory(
        first_name="ROBERT", last_name="MILLER", name="ROBERT MILLER", email="rmiller@gmail.com",
        email_hash=hash_for_lookup("rmiller@gmail.com"), phone="", street_address="4 Elm St",
        postal_code="10001", created_at=now - timedelta(days=400),
    )  # fmt: skip
    merged = factories.CustomerFactory(
        first_name="Robert", last_name="Miller", name="Robert Miller", email="r.miller@gmail.com",
        email_hash=hash_for_lookup("r.miller@gmail.com"), phone="+12125550123",
        phone_hash=hash_for_lookup("+12125550123"), street_address="17 Oak Avenue, Apt 5",
        postal_code="10002", created_at=now - timedelta(days=30),
    )  # fmt: skip
    for customer, stamp in ((survivor, "s"), (merged, "m")):
        _rows_for(customer, product, stamp, now - timedelta(days=5))
    factories.OrderFactory(customer=survivor, placed_at=now - timedelta(days=100))
    Consent.objects.create(
        customer=survivor, channel="email", status="granted", updated_at=now - timedelta(days=50)
    )
    Consent.objects.create(
        customer=merged, channel="email", status="withdrawn", updated_at=now - timedelta(days=2)
    )
    Consent.objects.create(
        customer=merged, channel="sms", status="granted", updated_at=now - timedelta(days=2)
    )
    survivor.tags.set([Tag.objects.create(name="vip")])
    merged.tags.set([Tag.objects.get_or_create(name="vip")[0], Tag.objects.create(name="newsletter")])
    refresh_customer_totals([survivor.pk, merged.pk])
    survivor.refresh_from_db()
    merged.refresh_from_db()
    # The merged record was edited more recently (it holds the new address).
    Customer.objects.filter(pk=merged.pk).update(updated_at=now)
    Customer.objects.filter(pk=survivor.pk).update(updated_at=now - timedelta(days=10))
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return Twins(survivor, merged)
