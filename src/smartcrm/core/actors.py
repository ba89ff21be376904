"""Who performs a write: the ``actor`` every service takes and the audit trail records.

An actor is one of

- a staff user (the configured ``AUTH_USER_MODEL``) acting through the web pages or the API;
- a label naming the non-human caller, such as ``"cli:import"``, ``"task:refresh_scores"`` or
  ``"generator"``; it is stored as the audit event's ``actor_label``;
- ``None``, recorded as ``"system"``.

``core`` sits below ``accounts`` and cannot import its ``User``; django-stubs' ``_User``
placeholder is refined by the mypy plugin to the configured user model, so the alias still
type-checks as ``accounts.User`` without an import at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as StaffUser

Actor: TypeAlias = "StaffUser | str | None"


def actor_of(user: StaffUser | AnonymousUser) -> Actor:
    """The actor behind ``request.user``: the signed-in user, or None (``"system"``) if anonymous.

    The audit trail already recorded an anonymous user as ``"system"``; this says so in the type.
    """
    return None if isinstance(user, AnonymousUser) else user
