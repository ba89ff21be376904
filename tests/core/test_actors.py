"""The actor seam: a staff user, a label, or None, and how the audit trail records each."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from smartcrm.accounts.models import User
from smartcrm.core import audit
from smartcrm.core.actors import actor_of


def test_a_user_is_recorded_as_the_user(admin_user: User) -> None:
    event = audit.record(admin_user, "update", object_type="x", object_id="1")
    assert event.actor == admin_user
    assert event.actor_label == admin_user.get_username()
    assert audit.user_of(admin_user) == admin_user


def test_a_label_is_recorded_without_a_user(db: Any) -> None:
    event = audit.record("cli:import", "create", object_type="x")
    assert event.actor is None
    assert event.actor_label == "cli:import"
    assert audit.user_of("cli:import") is None


def test_none_is_the_system(db: Any) -> None:
    assert audit.record(None, "create", object_type="x").actor_label == audit.SYSTEM


def test_request_user_becomes_an_actor(admin_user: User) -> None:
    assert actor_of(admin_user) is admin_user
    assert actor_of(AnonymousUser()) is None
    assert audit.user_of(actor_of(AnonymousUser())) is None
