"""Writes for staff accounts and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from smartcrm.accounts.models import ApiToken, User, hash_token
from smartcrm.accounts.roles import Role
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction


@transaction.atomic
def create_api_token(*, user: User, name: str, actor: User | str | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:12])
    audit.record(actor or user, AuditAction.CREATE_API_TOKEN, token, changes={"user": user.get_username()})
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Actor, token: ApiToken) -> bool:
    """Revoke a token from now on; False if it was revoked already (nothing recorded then)."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        token.refresh_from_db(fields=["revoked_at"])
        changes = {"user": token.user.get_username(), "prefix": token.prefix}
        audit.record(actor, AuditAction.REVOKE_API_TOKEN, token, changes=changes)
    return bool(revoked)


@transaction.atomic
def ensure_user(*, username: str, password: str, role: Role, email: str = "") -> User:
    """Create or update a staff user with this role and password (used by the demo)."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.set_password(password)
    user.save()
    if created:
        audit.record("demo", AuditAction.CREATE_USER, user, changes={"role": role.value})
    return user
