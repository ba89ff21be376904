from __future__ import annotations

import pytest

from smartcrm.accounts.models import ApiToken, hash_token
from smartcrm.accounts.roles import CAPABILITIES, Capability, Role, role_can
from smartcrm.accounts.services import create_api_token, ensure_user
from smartcrm.core.models import AuditEvent


def test_every_role_has_capabilities_and_only_admins_manage_users() -> None:
    assert set(CAPABILITIES) == set(Role)
    assert [r for r in Role if role_can(r, Capability.MANAGE_USERS)] == [Role.ADMIN]


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.MARKETING, Capability.VIEW_PII, False),
        (Role.ANALYST, Capability.VIEW_PII, False),
        (Role.ANALYST, Capability.EDIT_CUSTOMERS, False),
        (Role.SUPPORT, Capability.REPLY_TICKETS, True),
        (Role.SALES, Capability.REPLY_TICKETS, False),
        (Role.SALES, Capability.EDIT_PIPELINE, True),
        (Role.MARKETING, Capability.EDIT_PIPELINE, False),
        (Role.MANAGER, Capability.IMPORT_DATA, True),
        ("nonsense", Capability.VIEW_CUSTOMERS, False),
    ],
)
def test_least_privilege(role: str, capability: Capability, allowed: bool) -> None:
    assert role_can(role, capability) is allowed


@pytest.mark.django_db
def test_inactive_users_can_do_nothing(make_user) -> None:
    user = make_user(Role.ADMIN)
    user.is_active = False
    assert not user.can(Capability.VIEW_CUSTOMERS)


@pytest.mark.django_db
def test_api_tokens_are_stored_hashed_and_creation_is_audited(admin_user) -> None:
    token, raw = create_api_token(user=admin_user, name="shop sync")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("scrm_")
    assert stored.key_hash == hash_token(raw)
    assert raw not in (stored.key_hash, stored.prefix, stored.name)
    assert AuditEvent.objects.filter(action="create_api_token", actor=admin_user).exists()


@pytest.mark.django_db
def test_ensure_user_is_idempotent_and_sets_role_and_password() -> None:
    first = ensure_user(username="support", password="demo-pass-1", role=Role.SUPPORT)
    again = ensure_user(username="support", password="demo-pass-2", role=Role.SUPPORT)
    assert first.pk == again.pk
    assert again.check_password("demo-pass-2")
    assert not again.is_staff


@pytest.mark.django_db
def test_create_api_token_command_prints_a_working_token_once(admin_user) -> None:
    import io

    from django.core.management import CommandError, call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", admin_user.username, "shop sync", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(key_hash=hash_token(raw)).user == admin_user
    assert raw not in err.getvalue()
    with pytest.raises(CommandError, match="no active user"):
        call_command("create_api_token", "nobody", "x", stdout=out, stderr=err)
