"""Staff users with a role, hashed and scoped API tokens, and what keeps their accounts safe:
two-factor devices, recovery codes, failed logins and lockouts, the shop's security settings."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.accounts.roles import ROLE_LABELS, Capability, Role, role_can
from smartcrm.core.fields import EncryptedTextField

TOKEN_PREFIX = "scrm_"  # noqa: S105 - a marker, not a secret


class User(AbstractUser):
    role = models.CharField(
        max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role], default=Role.ANALYST
    )
    # Bumped by "log out everywhere": a session started under an older generation is ended.
    session_generation = models.PositiveIntegerField(default=0)
    # The interface language the user chose in the header; empty: the browser's (Accept-Language).
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)

    def can(self, capability: Capability) -> bool:
        if not self.is_active:
            return False
        return self.is_superuser or role_can(self.role, capability)

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the raw value is shown once.

    ``scopes`` lists ``area:read`` / ``area:write`` (see accounts/scopes.py); ``["*"]`` is every
    area, which tokens made before scopes existed were given so that they keep working. The
    role still bounds what any token may do.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart")
    scopes = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TotpDevice(models.Model):
    """A user's authenticator app: the shared secret (encrypted at rest) and the last time step
    accepted, so that a code is never accepted twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Empty: enrolment not finished")
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"authenticator of user {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost; only a keyed hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class ThrottleKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    IP = "ip", _("Client address")


class LoginFailure(models.Model):
    """One refused password or code. ``key`` is a keyed hash of the username or client address,
    so that what was typed (a password in the username box, say) is never stored."""

    kind = models.CharField(max_length=8, choices=ThrottleKind.choices)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} failure at {self.at}"


class LoginLockout(models.Model):
    """An account name or client address refused until ``until``; ``level`` counts the lockouts
    in a row, each twice as long as the one before."""

    kind = models.CharField(max_length=8, choices=ThrottleKind.choices)
    key = models.CharField(max_length=64)
    until = models.DateTimeField()
    level = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_lockout_per_key")]

    def __str__(self) -> str:
        return f"{self.kind} locked until {self.until}"


class SecuritySettings(models.Model):
    """The shop's account rules: one row (pk 1), edited by admins on /account/."""

    require_admin_2fa = models.BooleanField(
        default=False, help_text="Admins without two-factor authentication must enrol before anything else"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "security settings"

    def __str__(self) -> str:
        return "security settings"

    @classmethod
    def current(cls) -> SecuritySettings:
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
