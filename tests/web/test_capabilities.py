"""Capabilities that say what they guard: models and insights have their own, and every role
keeps exactly the access it had when they were guarded by ``view_orders``, ``edit_orders`` and
``manage_users``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Capability, Role, role_can
from smartcrm.insights.models import Alert
from tests.api.client import ApiClient
from tests.web.scores import make_version

pytestmark = pytest.mark.django_db

EVERY_ROLE = set(Role)
# Who had the old capability, written out: the new ones must match these exactly.
HAD_VIEW_ORDERS = EVERY_ROLE
HAD_EDIT_ORDERS = {Role.ADMIN, Role.MANAGER, Role.SUPPORT}
HAD_MANAGE_USERS = {Role.ADMIN}


@pytest.mark.parametrize(
    ("capability", "roles"),
    [
        (Capability.VIEW_MODELS, HAD_VIEW_ORDERS),
        (Capability.VIEW_INSIGHTS, HAD_VIEW_ORDERS),
        (Capability.HANDLE_ALERTS, HAD_EDIT_ORDERS),
        (Capability.MANAGE_MODELS, HAD_MANAGE_USERS),
    ],
)
def test_new_capabilities_go_to_the_roles_that_had_the_old_ones(
    capability: Capability, roles: set[Role]
) -> None:
    assert {r for r in Role if role_can(r, capability)} == roles


def test_the_old_capabilities_are_unchanged() -> None:
    assert {r for r in Role if role_can(r, Capability.VIEW_ORDERS)} == HAD_VIEW_ORDERS
    assert {r for r in Role if role_can(r, Capability.EDIT_ORDERS)} == HAD_EDIT_ORDERS
    assert {r for r in Role if role_can(r, Capability.MANAGE_USERS)} == HAD_MANAGE_USERS


@pytest.fixture
def alert(db: Any) -> Alert:
    return Alert.objects.create(
        key="metric:revenue:2025-06-03", kind="metric", metric="revenue", first_day=date(2025, 6, 3),
        last_day=date(2025, 6, 5), severity="high", score=8.2, explanation="Revenue was 61% below.",
    )  # fmt: skip


def _status(allowed: bool) -> int:
    return 200 if allowed else 403


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_model_and_insight_pages_as_before(
    client_for: Any, role: Role, alert: Alert
) -> None:
    make_version("churn", 1)
    client = client_for(role)
    for name in ("web:model_cards", "web:insights", "web:insights_panel"):
        assert client.get(reverse(name)).status_code == _status(role in HAD_VIEW_ORDERS), name
    page = client.get(reverse("web:model_cards")).content.decode()
    assert ("Activate</button>" in page) is (role in HAD_MANAGE_USERS)
    insights = client.get(reverse("web:insights")).content.decode()
    assert ("/acknowledge/" in insights) is (role in HAD_EDIT_ORDERS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_acts_on_models_and_alerts_as_before(client_for: Any, role: Role, alert: Alert) -> None:
    first = make_version("churn", 1)
    make_version("churn", 2, active=True)
    client = client_for(role)
    activate = client.post(reverse("web:model_activate", args=[first.pk]))
    assert activate.status_code == (302 if role in HAD_MANAGE_USERS else 403)
    rollback = client.post(reverse("web:model_rollback", args=["churn"]))
    assert rollback.status_code == (302 if role in HAD_MANAGE_USERS else 403)
    act = client.post(reverse("web:alert_action", args=[alert.pk, "acknowledge"]))
    assert (act.status_code != 403) is (role in HAD_EDIT_ORDERS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_the_model_and_insight_api_as_before(
    api_as: Callable[[Role], ApiClient], role: Role, alert: Alert
) -> None:
    api = api_as(role)
    for path in ("/models", "/forecasts", "/alerts", f"/alerts/{alert.pk}"):
        assert api.get(path).status_code == _status(role in HAD_VIEW_ORDERS), path
    assert api.post(f"/alerts/{alert.pk}/acknowledge").status_code == _status(role in HAD_EDIT_ORDERS)
