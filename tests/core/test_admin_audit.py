"""Every write through the admin is audited: role changes, token revocations, bulk deletes, any
change or delete, and opening a customer's change form (an unmasked read of their contact details)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.test import Client

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.core.admin import AuditedAdminMixin
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import Note
from tests import factories


def _admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _events(action: str, obj: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("seq"))


def test_every_registered_model_admin_is_audited() -> None:
    registry = admin.site._registry.items()
    assert not [m._meta.label for m, a in registry if not isinstance(a, AuditedAdminMixin)]


def test_changing_a_users_role_in_the_admin_is_audited(admin_user: User, make_user: Any) -> None:
    agent = make_user(Role.SUPPORT, username="agent")
    data = {
        "username": "agent",
        "role": Role.MANAGER.value,
        "is_active": "on",
        "date_joined_0": "2026-01-02",
        "date_joined_1": "10:00:00",
    }
    response = _admin_client(admin_user).post(f"/admin/accounts/user/{agent.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    agent.refresh_from_db()
    assert agent.role == Role.MANAGER
    [role_change] = _events(AuditAction.CHANGE_ROLE, agent)
    assert role_change.actor == admin_user
    assert role_change.changes == {"role": {"from": "support", "to": "manager"}}
    [update] = _events(AuditAction.UPDATE_IN_ADMIN, agent)
    assert "Role" in update.changes["fields"]


def test_revoking_a_token_in_the_admin_is_audited_once(admin_user: User, make_user: Any) -> None:
    token, _raw = create_api_token(user=make_user(Role.SALES, username="seller"), name="ci")
    client = _admin_client(admin_user)
    for _ in range(2):  # the second time the token is already revoked: nothing more to record
        data = {"action": "revoke", "_selected_action": [token.pk]}
        assert client.post("/admin/accounts/apitoken/", data).status_code == 302
    token = ApiToken.objects.get(pk=token.pk)
    assert token.revoked_at is not None
    [event] = _events(AuditAction.REVOKE_API_TOKEN, token)
    assert event.actor == admin_user and event.changes["user"] == "seller"


def test_a_bulk_delete_in_the_admin_audits_each_object(admin_user: User) -> None:
    customer = factories.CustomerFactory()
    notes = [Note.objects.create(customer=customer, body=f"private remark {i}") for i in range(3)]
    data = {"action": "delete_selected", "_selected_action": [n.pk for n in notes], "post": "yes"}
    assert _admin_client(admin_user).post("/admin/customers/note/", data).status_code == 302
    assert not Note.objects.exists()
    for note in notes:
        [event] = _events(AuditAction.DELETE_IN_ADMIN, note)
        assert event.object_type == "customers.note" and event.actor == admin_user
        assert "private remark" not in str(event.changes)


def test_a_delete_and_a_change_in_the_admin_are_audited_without_values(admin_user: User) -> None:
    client = _admin_client(admin_user)
    stage = factories.StageFactory(name="Qualified")
    data = {"name": "Very secret stage", "position": 3, "probability": 50}
    assert client.post(f"/admin/pipeline/stage/{stage.pk}/change/", data).status_code == 302
    [update] = _events(AuditAction.UPDATE_IN_ADMIN, stage)
    assert update.changes["fields"] and "Very secret stage" not in str(update.changes)
    assert client.post(f"/admin/pipeline/stage/{stage.pk}/delete/", {"post": "yes"}).status_code == 302
    assert _events(AuditAction.DELETE_IN_ADMIN, stage)


def test_opening_a_customers_change_form_in_the_admin_is_an_audited_pii_read(admin_user: User) -> None:
    customer = factories.CustomerFactory(email="unmasked@example.com")
    page = _admin_client(admin_user).get(f"/admin/customers/customer/{customer.pk}/change/")
    assert page.status_code == 200 and "unmasked@example.com" in page.content.decode()
    [event] = _events(AuditAction.VIEW_PII, customer)
    assert event.actor == admin_user and event.changes == {"via": "admin"}
