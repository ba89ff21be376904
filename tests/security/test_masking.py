"""Contact details inside free text are masked for roles without view_pii, wherever it is shown;
an exact email or phone confirms nothing to them; bulk exports of contact details are limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from smartcrm.core.pii import mask_free_text
from tests import factories
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db

EMAIL, PHONE = "xss.probe@example.com", "+1 415 555 0100"
BODY = f"Please write to {EMAIL} or call {PHONE} about order 42."


def test_the_mask_keeps_the_words_and_hides_the_details() -> None:
    assert mask_free_text(BODY) == "Please write to [EMAIL] or call [PHONE] about order 42."
    assert mask_free_text("") == ""


@pytest.fixture
def ticket(db: Any) -> Any:
    customer = factories.CustomerFactory(email=EMAIL, phone="+14155550100")
    ticket = factories.TicketFactory(customer=customer, subject=f"Call me on {PHONE}")
    factories.TicketMessageFactory(ticket=ticket, body=BODY)
    return ticket


@pytest.mark.parametrize(
    ("role", "masked"), [(Role.MARKETING, True), (Role.ANALYST, True), (Role.ADMIN, False)]
)
def test_ticket_api_masks_free_text_by_role(api_as: Any, ticket: Any, role: Role, masked: bool) -> None:
    api: ApiClient = api_as(role)
    body = api.get(f"/tickets/{ticket.pk}").json()
    text = body["messages"][0]["body"] + body["subject"]
    assert (EMAIL in text) is not masked and ("555 0100" in text) is not masked
    if masked:
        assert "[EMAIL]" in text and "[PHONE]" in text


@pytest.mark.parametrize(("role", "masked"), [(Role.MARKETING, True), (Role.SUPPORT, False)])
def test_inbox_page_masks_free_text_by_role(make_user: Any, ticket: Any, role: Role, masked: bool) -> None:
    client = Client()
    client.force_login(make_user(role))
    page = client.get(f"/inbox/{ticket.pk}/").content.decode()
    assert (EMAIL in page) is not masked and ("555 0100" in page) is not masked


def test_exact_contact_search_confirms_nothing_without_view_pii(api_as: Any, ticket: Any) -> None:
    for role, found in [(Role.MARKETING, 0), (Role.ANALYST, 0), (Role.SALES, 1), (Role.ADMIN, 1)]:
        api: ApiClient = api_as(role)
        assert len(api.get(f"/customers?search={EMAIL}").json()["items"]) == found, role
        if not found:
            assert api.get("/customers?search=%2B14155550100").json()["items"] == [], role


@override_settings(SMARTCRM_EXPORT_CONTACTS_PER_HOUR=2)
def test_bulk_exports_of_contact_details_are_limited_and_audited(api_as: Any, ticket: Any) -> None:
    api: ApiClient = api_as(Role.SALES)
    for _ in range(2):
        response = api.client.get("/api/v1/exports/customers?format=csv")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    refused = api.get("/exports/customers?format=csv")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert api.client.get("/api/v1/exports/products?format=csv").status_code == 200  # no contact details
    events = AuditEvent.objects.filter(action="export", object_type="exports.customers")
    assert events.count() == 2
    assert all(e.changes["bulk_read"] and e.changes["rows"] == 1 for e in events)


@pytest.mark.parametrize(
    ("role", "masked"), [(Role.MARKETING, True), (Role.ANALYST, True), (Role.SUPPORT, False)]
)
def test_inbox_list_and_customer_page_mask_ticket_subjects_by_role(
    make_user: Any, ticket: Any, role: Role, masked: bool
) -> None:
    client = Client()
    client.force_login(make_user(role))
    for url in ("/inbox/", "/inbox/?status=all", f"/customers/{ticket.customer_id}/"):
        page = client.get(url).content.decode()
        assert "Call me on" in page, url  # the ticket is listed (and in the customer's timeline)
        assert ("555 0100" in page) is not masked, url
