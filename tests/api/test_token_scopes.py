"""API tokens: scopes per area of the API, expiry, and the page that makes and revokes them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.accounts import scopes
from smartcrm.accounts.models import ApiToken, SecuritySettings, TotpDevice, User, hash_token
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.api.main import api
from smartcrm.core.models import AuditEvent
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db


def test_an_admins_token_is_refused_while_the_shop_requires_two_factor_they_lack(make_user: Any) -> None:
    admin: User = make_user(Role.ADMIN, username="ada")
    _token, raw = create_api_token(user=admin, name="script")
    client = ApiClient(raw)
    assert client.get("/api/v1/customers").status_code == 200
    SecuritySettings.objects.update_or_create(pk=1, defaults={"require_admin_2fa": True})
    refused = client.get("/api/v1/customers")
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
    TotpDevice.objects.create(user=admin, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
    assert client.get("/api/v1/customers").status_code == 200
    # Other roles' tokens are not held up by the admins' rule.
    _token, sales_raw = create_api_token(user=make_user(Role.SALES, username="sam"), name="crm")
    assert ApiClient(sales_raw).get("/api/v1/customers").status_code == 200


def test_every_api_operation_belongs_to_an_area() -> None:
    paths = api.get_openapi_schema()["paths"]
    outside = [p for p in paths if scopes.required_scope(p.removeprefix("/api/v1/"), "GET") is None]
    assert outside == []
    assert len(scopes.SCOPES) == 2 * len(scopes.AREAS)


def test_a_read_scope_reads_its_area_only(make_user: Any) -> None:
    user: User = make_user(Role.ADMIN)
    _, raw = create_api_token(user=user, name="reader", scopes=["customers:read"])
    client = ApiClient(raw)
    assert client.get("/customers").status_code == 200
    refused = client.post("/customers", {"first_name": "Ann"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert "customers:write" in refused.json()["detail"]
    other = client.get("/orders")
    assert other.status_code == 403 and other.json()["code"] == "insufficient_scope"


def test_write_includes_read_and_the_role_still_bounds_the_token(make_user: Any) -> None:
    _, raw = create_api_token(user=make_user(Role.ADMIN), name="writer", scopes=["customers:write"])
    assert ApiClient(raw).get("/customers").status_code == 200
    assert ApiClient(raw).post("/customers", {"first_name": "Ann"}).status_code == 201
    _, analyst_raw = create_api_token(user=make_user(Role.ANALYST), name="w", scopes=["customers:write"])
    refused = ApiClient(analyst_raw).post("/customers", {"first_name": "Ann"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_an_expired_token_is_401(make_user: Any) -> None:
    token, raw = create_api_token(
        user=make_user(Role.ADMIN), name="soon", expires_at=timezone.now() + timedelta(days=1)
    )
    assert ApiClient(raw).get("/customers").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(raw).get("/customers")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_unknown_scopes_and_past_expiry_are_refused(make_user: Any) -> None:
    from smartcrm.core.errors import ServiceValidationError

    user = make_user(Role.ADMIN)
    with pytest.raises(ServiceValidationError) as refused:
        create_api_token(user=user, name="x", scopes=["everything:write"], expires_at=timezone.now())
    assert set(refused.value.errors) == {"scopes", "expires_at"}


def test_the_account_page_makes_a_token_shown_once_and_revokes_it(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT)
    client = Client()
    client.force_login(user)
    page = client.post(
        "/account/tokens/",
        {"name": "helpdesk", "scopes": ["tickets:write", "customers:read"], "expires_in": "30"},
    )
    raw = re.search(r"<code>(scrm_[A-Za-z0-9_-]+)</code>", page.content.decode())
    assert raw is not None
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_token(raw.group(1)) and token.scopes == ["customers:read", "tickets:write"]
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)  # type: ignore[operator]
    assert raw.group(1) not in client.get("/account/").content.decode()
    assert ApiClient(raw.group(1)).get("/tickets").status_code == 200

    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert ApiClient(raw.group(1)).get("/tickets").status_code == 401
    assert AuditEvent.objects.filter(action="revoke_api_token", object_id=str(token.pk), actor=user).exists()


def test_only_admins_revoke_other_peoples_tokens(make_user: Any) -> None:
    owner = make_user(Role.SALES)
    token, _ = create_api_token(user=owner, name="crm sync")
    intruder = Client()
    intruder.force_login(make_user(Role.SUPPORT))
    assert intruder.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert intruder.get("/account/tokens/all/").status_code == 403
    admin = Client()
    admin.force_login(make_user(Role.ADMIN))
    assert "crm sync" in admin.get("/account/tokens/all/").content.decode()
    admin.post(f"/account/tokens/{token.pk}/revoke/", {"back": "all"})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
