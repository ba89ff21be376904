"""Writes for staff accounts, their sessions and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.accounts import scopes as scope_rules
from smartcrm.accounts.models import ApiToken, SecuritySettings, User, hash_token
from smartcrm.accounts.roles import Role
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError


@transaction.atomic
def create_api_token(
    *,
    user: User,
    name: str,
    actor: User | str | None = None,
    scopes: Iterable[str] = (scope_rules.ALL,),
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, e.g. what it is for.")
    try:
        chosen = scope_rules.normalise(scopes)
    except ValueError as exc:
        errors["scopes"] = str(exc)
        chosen = []
    if not chosen and "scopes" not in errors:
        errors["scopes"] = _("Choose at least one scope.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ServiceValidationError(errors)
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        key_hash=hash_token(raw),
        prefix=raw[:12],
        scopes=chosen,
        expires_at=expires_at,
    )
    audit.record(
        actor or user,
        AuditAction.CREATE_API_TOKEN,
        token,
        changes={
            "user": user.get_username(),
            "scopes": chosen,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
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
def log_out_everywhere(*, user: User, actor: Actor) -> int:
    """End every session of ``user`` (the next request of each finds its generation stale) and
    revoke all their API tokens. Returns how many tokens were revoked."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor, AuditAction.LOGOUT_EVERYWHERE, user, changes={"tokens_revoked": revoked})
    return revoked


def record_login(user: User, *, ip: str, method: str) -> None:
    audit.record(user, AuditAction.LOGIN, user, changes={"ip": ip, "method": method})


def record_password_change(user: User, *, how: str) -> None:
    """``how``: ``"change"`` (knowing the old one) or ``"reset"`` (a link by email)."""
    action = AuditAction.CHANGE_PASSWORD if how == "change" else AuditAction.RESET_PASSWORD
    audit.record(user, action, user)


@transaction.atomic
def set_security_settings(*, require_admin_2fa: bool, actor: User) -> SecuritySettings:
    current = SecuritySettings.current()
    if current.require_admin_2fa != require_admin_2fa:
        current.require_admin_2fa = require_admin_2fa
        current.save(update_fields=["require_admin_2fa", "updated_at"])
        audit.record(actor, AuditAction.UPDATE, current, changes={"require_admin_2fa": require_admin_2fa})
    return current


def set_language(*, user: User, language: str) -> None:
    """The user's interface language ('' follows the browser); not audited: a preference."""
    if language not in {"", *(code for code, _ in settings.LANGUAGES)}:
        raise ServiceValidationError({"language": _("unknown language")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


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
