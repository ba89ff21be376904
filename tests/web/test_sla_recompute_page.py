"""The SLA page and the ticket page while the open tickets' due times are recomputed in the
background: the save answers at once, the page polls the progress, shows the result or the
failure with a retry; only team leads see or retry it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.support.models import DueTimeRecompute, RecomputeState, SLAPolicy
from tests import factories

pytestmark = pytest.mark.django_db

POLICY = {
    "name": "Default",
    "priority": "",
    "channel": "",
    "first_response_hours": "4",
    "resolution_hours": "16",
}


@pytest.fixture
def policy() -> SLAPolicy:
    return SLAPolicy.objects.create(
        name="Default", first_response_hours=Decimal(24), resolution_hours=Decimal(72)
    )


def test_saving_a_policy_shows_the_recompute_then_its_result(
    client_for: Any, policy: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = factories.TicketFactory()
    manager = client_for(Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = manager.post(f"/settings/sla/{policy.pk}/", POLICY, follow=True)
    page = saved.content.decode()
    assert "being recomputed" in page  # the message
    assert 'id="sla-recompute"' in page and 'hx-get="/settings/sla/recompute/"' in page  # polls
    detail = manager.get(f"/inbox/{ticket.pk}/").content.decode()
    assert "these due times are being recomputed" in detail
    for callback in callbacks:
        callback()
    polled = manager.get("/settings/sla/recompute/").content.decode()
    assert "Due times recomputed on" in polled and "1 of 1 open tickets" in polled
    assert "hx-get" not in polled  # finished: the polling stops
    assert "being recomputed" not in manager.get(f"/inbox/{ticket.pk}/").content.decode()


def test_a_failed_recompute_is_shown_and_can_be_retried(
    client_for: Any, policy: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    factories.TicketFactory()
    DueTimeRecompute.objects.create(
        requested_at=timezone.now(), state=RecomputeState.FAILED, error="ValueError"
    )
    manager = client_for(Role.MANAGER)
    page = manager.get("/settings/sla/").content.decode()
    assert "failed (ValueError)" in page and "/settings/sla/recompute/retry/" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post("/settings/sla/recompute/retry/").status_code == 302
    run = DueTimeRecompute.objects.latest("pk")
    assert (run.state, run.changed) == (RecomputeState.DONE, 1)
    DueTimeRecompute.objects.create(requested_at=timezone.now())  # one queued: a retry is refused
    refused = manager.post("/settings/sla/recompute/retry/", follow=True).content.decode()
    assert "being recomputed already" in refused
    assert DueTimeRecompute.objects.count() == 3


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.ANALYST])
def test_only_team_leads_see_or_retry_the_recompute(client_for: Any, role: Role) -> None:
    client = client_for(role)
    assert client.get("/settings/sla/recompute/").status_code == 403
    assert client.post("/settings/sla/recompute/retry/").status_code == 403
    assert not DueTimeRecompute.objects.exists()
