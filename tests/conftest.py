"""Shared fixtures. The suite runs against PostgreSQL (DATABASE_URL) and against SQLite."""

from __future__ import annotations

import os
from typing import Any

import pytest

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# there unless told that this is deliberate (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def make_user(db: Any) -> Any:
    def make(role: Role = Role.ADMIN, username: str | None = None, password: str = "pw-Secret-123") -> User:
        return factories.UserFactory(role=role, username=username or f"{role.value}-user", password=password)

    return make


@pytest.fixture
def admin_user(make_user: Any) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
