"""Who may call the API: bearer tokens, the web session, and what each role may do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from tests.api.client import ApiClient
from tests.api.openapi import validate_response
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_no_token_is_401(anonymous_api: ApiClient) -> None:
    response = anonymous_api.get("/customers")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized", "code": "not_authenticated"}


@pytest.mark.parametrize(
    "header", ["Bearer nope", "Bearer ", "Bearer scrm_" + "x" * 43, "Bearer \u00e9\u00e9"]
)
def test_a_wrong_token_is_401_even_on_writes(db: Any, header: str) -> None:
    client = ApiClient()
    client.client = Client(headers={"Authorization": header})
    assert client.get("/customers").status_code == 401
    assert client.post("/customers", {"first_name": "Ann"}).status_code == 401


def test_a_revoked_token_is_401(token_for: Callable[[Role], tuple[User, str]]) -> None:
    user, raw = token_for(Role.ADMIN)
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert ApiClient(raw).get("/customers").status_code == 401


def test_the_token_of_a_deactivated_user_is_401(token_for: Callable[[Role], tuple[User, str]]) -> None:
    user, raw = token_for(Role.ADMIN)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiClient(raw).get("/customers").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(token_for: Callable[[Role], tuple[User, str]]) -> None:
    user, raw = token_for(Role.ANALYST)
    client = ApiClient(raw)
    client.get("/customers")
    first = ApiToken.objects.get(user=user).last_used_at
    assert first is not None
    client.get("/customers")
    assert ApiToken.objects.get(user=user).last_used_at == first
    ApiToken.objects.filter(user=user).update(last_used_at=first - timedelta(minutes=2))
    client.get("/customers")
    assert ApiToken.objects.get(user=user).last_used_at > first - timedelta(minutes=1)


def test_the_web_session_works_with_its_csrf_token(make_user: Any) -> None:
    user = make_user(Role.SUPPORT)
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")  # the login form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    client.force_login(user)
    response = client.get("/api/v1/customers")
    validate_response("GET", "/api/v1/customers", response)
    assert response.status_code == 200

    refused = client.post("/api/v1/customers", data={"first_name": "Ann"}, content_type="application/json")
    validate_response("POST", "/api/v1/customers", refused)
    assert refused.status_code == 403

    accepted = client.post(
        "/api/v1/customers",
        data={"first_name": "Ann"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    validate_response("POST", "/api/v1/customers", accepted)
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        (Role.ANALYST, "POST", "/customers", {"first_name": "Ann"}),
        (Role.MARKETING, "POST", "/customers", {"first_name": "Ann"}),
        (Role.ANALYST, "POST", "/products", {"sku": "A", "name": "A", "price": "1"}),
        (Role.SALES, "POST", "/orders", {"customer_id": 1, "lines": []}),
        (Role.SALES, "GET", "/tickets", None),
        (Role.MARKETING, "POST", "/tickets", {"customer_id": 1, "subject": "s", "body": "b"}),
        (Role.SUPPORT, "GET", "/deals", None),
        (Role.ANALYST, "POST", "/deals", {"title": "t", "stage_id": 1}),
        (Role.ANALYST, "POST", "/reviews", {"customer_id": 1, "product_id": 1, "rating": 5}),
        (Role.SUPPORT, "GET", "/stages", None),
    ],
)
def test_roles_without_the_capability_get_403(
    api_as: Callable[[Role], ApiClient], role: Role, method: str, path: str, body: Any
) -> None:
    response = api_as(role).request(method, path, body)
    assert response.status_code == 403
    assert "does not allow" in response.json()["detail"]


def test_marketing_sees_masked_contact_details_and_nothing_is_audited(
    api_as: Callable[[Role], ApiClient],
) -> None:
    customer = CustomerFactory(email="ann@example.com")
    body = api_as(Role.MARKETING).get(f"/customers/{customer.pk}").json()
    assert body["email"] == "a•••@example.com"
    assert body["pii_masked"] is True
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_support_sees_the_email_and_the_read_is_audited(api_as: Callable[[Role], ApiClient]) -> None:
    customer = CustomerFactory(email="ann@example.com")
    client = api_as(Role.SUPPORT)
    body = client.get(f"/customers/{customer.pk}").json()
    assert body["email"] == "ann@example.com"
    assert body["pii_masked"] is False
    event = AuditEvent.objects.get(action="view_pii")
    assert event.actor == client.user
    assert event.object_id == str(customer.pk)


def test_hashes_never_leave_the_api(admin_api: ApiClient) -> None:
    customer = CustomerFactory(email="ann@example.com")
    for body in (admin_api.get(f"/customers/{customer.pk}").json(), admin_api.get("/customers").json()):
        assert "email_hash" not in str(body) and "phone_hash" not in str(body)
