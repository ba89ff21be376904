"""Staff users with a role, and hashed API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from smartcrm.accounts.roles import Capability, Role, role_can

TOKEN_PREFIX = "scrm_"  # noqa: S105 - a marker, not a secret


class User(AbstractUser):
    role = models.CharField(
        max_length=20, choices=[(r.value, r.name.title()) for r in Role], default=Role.ANALYST
    )

    def can(self, capability: Capability) -> bool:
        if not self.is_active:
            return False
        return self.is_superuser or role_can(self.role, capability)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
