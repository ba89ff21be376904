"""Customers through the API: list, filters, create, update, notes, consents, tags, field errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Consent, Customer
from tests.api.client import ApiClient
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_create_then_get_then_update(admin_api: ApiClient) -> None:
    created = admin_api.post(
        "/customers",
        {"first_name": "Ann", "last_name": "Lee", "email": " Ann@Example.com ", "phone": "+1 415 555 2671"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Ann Lee"
    assert body["email"] == "ann@example.com"
    assert body["phone"] == "+14155552671"
    assert body["source"] == "api"
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"])).exists()

    fetched = admin_api.get(f"/customers/{body['id']}").json()
    assert fetched["total_spent"] == "0.00"

    updated = admin_api.patch(f"/customers/{body['id']}", {"city": "Lyon", "country": "fr"})
    assert updated.status_code == 200
    assert (updated.json()["city"], updated.json()["country"]) == ("Lyon", "FR")
    assert updated.json()["first_name"] == "Ann"  # fields not sent stay as they were


def test_list_pages_with_has_next(admin_api: ApiClient) -> None:
    CustomerFactory.create_batch(3)
    first = admin_api.get("/customers?page_size=2&sort=name").json()
    assert (first["page"], first["page_size"], first["has_next"], len(first["items"])) == (1, 2, True, 2)
    second = admin_api.get("/customers?page_size=2&page=2&sort=name").json()
    assert (second["has_next"], len(second["items"])) == (False, 1)
    assert "email" not in second["items"][0]


def test_list_filters_and_search(admin_api: ApiClient) -> None:
    now = timezone.now()
    ann = CustomerFactory(
        first_name="Ann",
        last_name="Zed",
        city="Lyon",
        country="FR",
        source="web",
        total_spent=Decimal("500"),
        last_order_at=now - timedelta(days=5),
    )
    bob = CustomerFactory(
        first_name="Bob",
        last_name="Young",
        city="Austin",
        source="pos",
        total_spent=Decimal("20"),
        last_order_at=now - timedelta(days=400),
    )
    admin_api.put(f"/customers/{bob.pk}/tags", {"tags": ["VIP"]})

    def ids(query: str) -> list[int]:
        return [c["id"] for c in admin_api.get(f"/customers?{query}").json()["items"]]

    assert ids("search=lyon") == [ann.pk]
    assert ids(f"search={ann.email}") == [ann.pk]
    assert ids("source=pos") == [bob.pk]
    assert ids("country=fr") == [ann.pk]
    assert ids("tag=vip") == [bob.pk]
    assert ids("min_spent=100") == [ann.pk]
    assert ids("active_within_days=30") == [ann.pk]
    assert ids("lapsed_for_days=365") == [bob.pk]
    assert ids("kind=company") == []
    assert ids("sort=top_spend") == [ann.pk, bob.pk]


def test_field_errors_come_from_the_service_with_locations(admin_api: ApiClient) -> None:
    response = admin_api.post("/customers", {"first_name": "Ann", "email": "not-an-email", "phone": "12"})
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert errors[("body", "payload", "email")] == "Enter a valid email address."
    assert ("body", "payload", "phone") in errors


def test_a_customer_needs_a_name(admin_api: ApiClient) -> None:
    response = admin_api.post("/customers", {"email": "ann@example.com"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"first_name": "x" * 101}, ["body", "payload", "first_name"]),
        ({"first_name": "Ann", "kind": "robot"}, ["body", "payload", "kind"]),
        ({"first_name": "Ann", "country": "FRA"}, ["body", "payload", "country"]),
        ({"first_name": 42}, ["body", "payload", "first_name"]),
    ],
)
def test_schema_errors_name_the_field(admin_api: ApiClient, body: dict[str, object], loc: list[str]) -> None:
    response = admin_api.post("/customers", body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert not Customer.objects.exists()


def test_patch_refuses_null_and_unknown_customer(admin_api: ApiClient) -> None:
    customer = CustomerFactory()
    assert admin_api.patch(f"/customers/{customer.pk}", {"first_name": None}).status_code == 422
    assert admin_api.patch("/customers/987654321", {"city": "Lyon"}).status_code == 404
    assert admin_api.get("/customers/987654321").json() == {"detail": "Not found.", "code": "not_found"}
    assert admin_api.get("/customers/abc").status_code == 422
    assert admin_api.get(f"/customers/{2**70}").status_code == 422


def test_notes_consents_and_tags(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SUPPORT)
    customer = CustomerFactory()
    note = client.post(f"/customers/{customer.pk}/notes", {"body": "  Prefers email.  "})
    assert note.status_code == 201
    assert note.json()["body"] == "Prefers email."
    assert note.json()["author"] == client.user.username
    assert client.post(f"/customers/{customer.pk}/notes", {"body": "   "}).status_code == 422

    consent = client.put(f"/customers/{customer.pk}/consents/email", {"status": "granted", "source": "api"})
    assert consent.status_code == 200
    assert Consent.objects.get(customer=customer, channel="email").status == "granted"
    assert client.put(f"/customers/{customer.pk}/consents/fax", {"status": "granted"}).status_code == 422
    assert client.put(f"/customers/{customer.pk}/consents/sms", {"status": "maybe"}).status_code == 422

    tags = client.put(f"/customers/{customer.pk}/tags", {"tags": ["VIP", "wholesale", "vip", " "]})
    assert tags.json() == {"tags": ["vip", "wholesale"]}
    profile = client.get(f"/customers/{customer.pk}").json()
    assert profile["tags"] == ["vip", "wholesale"]
    assert profile["consents"] == {"email": "granted"}


def test_birthday_and_renewal_dates_are_set_cleared_and_the_birthday_masked(
    api_as: Callable[[Role], ApiClient],
) -> None:
    admin, marketing = api_as(Role.ADMIN), api_as(Role.MARKETING)
    customer = CustomerFactory()
    dates = {"birthday": "1988-02-29", "renews_on": "2027-01-15"}
    assert admin.patch(f"/customers/{customer.pk}", dates).status_code == 200
    assert {k: admin.get(f"/customers/{customer.pk}").json()[k] for k in dates} == dates
    masked = marketing.get(f"/customers/{customer.pk}").json()
    assert masked["birthday"] is None and masked["renews_on"] == "2027-01-15"  # no view_pii
    bad = admin.patch(f"/customers/{customer.pk}", {"birthday": "2999-01-01"})
    assert bad.status_code == 422 and "1900 and today" in bad.text
    assert admin.patch(f"/customers/{customer.pk}", {"birthday": None}).json()["birthday"] is None
    made = admin.post("/customers", {"first_name": "Bo", "birthday": "1990-07-01"}).json()
    assert made["birthday"] == "1990-07-01" and made["renews_on"] is None
