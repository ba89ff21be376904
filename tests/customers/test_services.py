from __future__ import annotations

from decimal import Decimal

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.customers.services import (
    add_note,
    contact_for_viewer,
    create_customer,
    set_consent,
    update_customer,
)
from smartcrm.readmodels.customer360 import customer_360
from smartcrm.readmodels.customer_list import CustomerFilters, customer_page
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_create_normalises_contact_and_records_the_actor_without_pii(admin_user) -> None:
    customer = create_customer(
        actor=admin_user,
        values={
            "first_name": " Ada ",
            "last_name": "Lovelace",
            "email": " Ada@Example.COM ",
            "phone": "(202) 555-0143",
            "country": "us",
        },
        external_id=("shopify", "A-1"),
    )
    assert customer.name == "Ada Lovelace"
    assert customer.email == "ada@example.com"
    assert customer.phone == "+12025550143"
    assert customer.country == "US"
    assert "a-1" in customer.search_text
    event = AuditEvent.objects.get(object_type="customers.customer", object_id=str(customer.pk))
    assert event.actor == admin_user
    assert event.changes["email"] == "set"
    assert "ada@example.com" not in str(event.changes) and "Lovelace" not in str(event.changes)
    assert find_customer_by_email("ADA@example.com") == customer


def test_invalid_fields_are_reported_per_field_and_nothing_is_saved() -> None:
    with pytest.raises(ServiceValidationError) as info:
        create_customer(
            actor="test", values={"first_name": "X", "email": "not-an-email", "phone": "12", "country": "USA"}
        )
    assert set(info.value.errors) == {"email", "phone", "country"}
    assert Customer.objects.count() == 0


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ServiceValidationError) as info:
        create_customer(actor="test", values={"first_name": "X", "orders_count": 99})
    assert info.value.errors == {"orders_count": "Unknown field."}


def test_update_records_changes_and_hides_pii_values(admin_user) -> None:
    customer = create_customer(actor="test", values={"first_name": "Bo", "email": "bo@x.io"})
    changes = update_customer(
        actor=admin_user, customer=customer, values={"email": "new@x.io", "city": "Oslo"}
    )
    assert changes["email"] == "changed"
    assert changes["city"] == "changed"  # an address part: personal, so no value in the audit log
    assert "Oslo" not in str(AuditEvent.objects.filter(object_id=str(customer.pk)).values_list("changes"))
    customer.refresh_from_db()
    assert customer.email == "new@x.io" and "oslo" in customer.search_text
    assert update_customer(actor=admin_user, customer=customer, values={"city": "Oslo"}) == {}


def test_contact_is_masked_for_roles_without_pii_access_and_unmasked_reads_are_audited(make_user) -> None:
    customer = create_customer(
        actor="test", values={"first_name": "Cy", "email": "cy@shop.io", "phone": "+4722334455"}
    )
    marketer, agent = make_user(Role.MARKETING), make_user(Role.SUPPORT)
    masked = contact_for_viewer(user=marketer, customer=customer)
    assert masked.masked and masked.email == "c•••@shop.io" and "2233" not in masked.phone
    assert not AuditEvent.objects.filter(action="view_pii").exists()
    clear = contact_for_viewer(user=agent, customer=customer)
    assert clear.email == "cy@shop.io"
    assert AuditEvent.objects.filter(action="view_pii", actor=agent).count() == 1


def test_notes_consents_and_the_360_view(admin_user, django_assert_max_num_queries) -> None:
    customer = CustomerFactory()
    add_note(actor=admin_user, customer=customer, body="Prefers phone calls")
    set_consent(actor=admin_user, customer=customer, channel="email", status="granted", source="form")
    with pytest.raises(ServiceValidationError):
        set_consent(actor=admin_user, customer=customer, channel="fax", status="maybe")
    with django_assert_max_num_queries(13):  # 12, and the customer's attachments
        view = customer_360(customer.pk)
    assert view.notes[0].body == "Prefers phone calls"
    assert {channel: c.status for channel, c in view.consents.items()} == {"email": "granted"}
    assert view.timeline[0].kind == "note"


def test_list_search_filters_and_sorts() -> None:
    big = CustomerFactory(
        first_name="Zed",
        last_name="Big",
        name="Zed Big",
        search_text="zed big",
        total_spent=Decimal("900"),
        country="DE",
    )
    CustomerFactory(
        first_name="Amy",
        last_name="Small",
        name="Amy Small",
        search_text="amy small",
        total_spent=Decimal("10"),
    )
    page = customer_page(CustomerFilters(sort="top_spend"), size=1)
    assert page.items == [big] and page.has_next
    assert customer_page(CustomerFilters(search="SMALL")).items[0].name == "Amy Small"
    assert customer_page(CustomerFilters(country="de")).items == [big]
    assert customer_page(CustomerFilters(min_spent=Decimal("100"))).items == [big]
    by_email = customer_page(CustomerFilters(search=big.email.upper(), contact_search=True))
    assert customer_page(CustomerFilters(search=big.email)).items == []  # for roles without view_pii
    assert by_email.items == [big]


def test_timeline_merges_records_newest_first_without_copying_them(admin_user) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from smartcrm.activities.models import Activity
    from smartcrm.orders.services import LineInput, create_order, record_refund
    from smartcrm.support.services import open_ticket
    from tests.factories import ProductFactory

    customer = CustomerFactory()
    order = create_order(
        actor=admin_user,
        customer=customer,
        lines=[LineInput(ProductFactory(price=Decimal("10")).pk, 1)],
        placed_at=timezone.now() - timedelta(days=3),
    )
    open_ticket(actor="x", customer=customer, subject="Late parcel", body="Where is it?")
    record_refund(actor=admin_user, order=order, amount=Decimal("10"), reason="late")
    update_customer(actor=admin_user, customer=customer, values={"city": "Lyon"})
    add_note(actor=admin_user, customer=customer, body="Called back")
    kinds = [entry.kind for entry in customer_360(customer.pk).timeline]
    assert kinds[-1] == "order_placed"
    assert set(kinds) == {"order_placed", "ticket_opened", "refund", "profile", "note"}
    assert [e.occurred_at for e in customer_360(customer.pk).timeline] == sorted(
        (e.occurred_at for e in customer_360(customer.pk).timeline), reverse=True
    )
    # Only the profile change has no record of its own.
    assert list(Activity.objects.filter(customer=customer).values_list("kind", flat=True)) == ["profile"]


def test_chinese_names_put_the_family_name_first() -> None:
    customer = create_customer(actor="t", values={"first_name": "伟", "last_name": "王", "language": "zh"})
    assert customer.name == "王伟"
    assert create_customer(actor="t", values={"first_name": "Wei", "last_name": "Wang"}).name == "Wei Wang"
