"""The background recompute of the open tickets' due times after an SLA policy or a business
calendar changed: started after the commit (the save does not touch the tickets), right,
idempotent, superseded by a newer change, holding the breach check while it is pending, its
failures reported, and sent again by the stale-run sweeper when its worker died."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.core import heartbeat, recovery
from smartcrm.support import recompute
from smartcrm.support.models import (
    BusinessCalendar,
    DueTimeRecompute,
    RecomputeState,
    SLABreach,
    SLAPolicy,
    Ticket,
    TicketStatus,
)
from smartcrm.support.selectors import recompute_pending
from smartcrm.support.sla import (
    check_breaches,
    delete_policy,
    fill_missing_due_times,
    save_calendar,
    save_policy,
)
from smartcrm.support.tasks import recompute_due_times
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def values(first: float, resolution: float, **overrides: Any) -> dict[str, Any]:
    base = {
        "name": "Default",
        "priority": "",
        "channel": "",
        "first_response_hours": Decimal(str(first)),
        "resolution_hours": Decimal(str(resolution)),
        "calendar": None,
    }
    return {**base, **overrides}


@pytest.fixture
def admin() -> Any:
    return factories.UserFactory(role=Role.ADMIN)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Call a service and run what it left for after the commit (the recompute job)."""

    def call(service: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


@pytest.fixture
def default(admin: Any, committed: Callable[..., Any]) -> SLAPolicy:
    policy: SLAPolicy = committed(save_policy, actor=admin, values=values(24, 72))
    return policy


def opened(hours_ago: float, **fields: Any) -> Ticket:
    created = timezone.now() - timedelta(hours=hours_ago)
    ticket: Ticket = factories.TicketFactory(created_at=created, last_message_at=created, **fields)
    return ticket


def dues(ticket: Ticket) -> tuple[timedelta | None, timedelta | None]:
    """The ticket's targets as hours after its creation (None: no policy)."""
    ticket.refresh_from_db()
    first, resolution = ticket.first_response_due_at, ticket.resolution_due_at
    return (
        None if first is None else first - ticket.created_at,
        None if resolution is None else resolution - ticket.created_at,
    )


def run_all(callbacks: list[Callable[[], Any]]) -> None:
    for callback in callbacks:
        callback()


def latest() -> DueTimeRecompute:
    return DueTimeRecompute.objects.latest("pk")


def test_the_save_leaves_the_tickets_alone_and_the_job_after_the_commit_recomputes_them(
    admin: Any, default: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    tickets = [opened(1) for _ in range(3)]
    solved = opened(1, status=TicketStatus.SOLVED)
    check_breaches()  # due times from the default policy
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_policy(actor=admin, values=values(2, 10), policy=default)
    run = latest()
    assert run.state == RecomputeState.QUEUED and recompute_pending()
    assert {dues(t) for t in tickets} == {(24 * HOUR, 72 * HOUR)}  # not recomputed inside the save
    run_all(callbacks)
    run.refresh_from_db()
    assert (run.state, run.total, run.done, run.changed, run.percent) == (RecomputeState.DONE, 3, 3, 3, 100)
    assert run.started_at is not None and run.finished_at is not None
    assert {dues(t) for t in tickets} == {(2 * HOUR, 10 * HOUR)}
    assert dues(solved) == (24 * HOUR, 72 * HOUR)  # measured against the policy of its time
    assert not recompute_pending()


def test_the_job_takes_the_most_specific_policy_and_clears_when_none_applies(
    admin: Any, default: SLAPolicy, committed: Callable[..., Any]
) -> None:
    urgent_chat = opened(1, priority="urgent", channel="chat")
    urgent_mail = opened(1, priority="urgent", channel="email")
    normal = opened(1, priority="normal")
    committed(save_policy, actor=admin, values=values(1, 8, name="Urgent", priority="urgent"))
    committed(save_policy, actor=admin, values=values(0.5, 4, name="Chat", priority="urgent", channel="chat"))
    assert dues(urgent_chat) == (HOUR / 2, 4 * HOUR)
    assert dues(urgent_mail) == (HOUR, 8 * HOUR)
    assert dues(normal) == (24 * HOUR, 72 * HOUR)
    committed(delete_policy, actor=admin, policy=default)
    assert dues(normal) == (None, None)  # no policy applies any more
    assert dues(urgent_mail) == (HOUR, 8 * HOUR)


def test_the_job_is_idempotent(admin: Any, default: SLAPolicy, committed: Callable[..., Any]) -> None:
    tickets = [opened(i) for i in range(1, 4)]
    committed(save_policy, actor=admin, values=values(3, 30), policy=default)
    run = latest()
    before = [dues(t) for t in tickets]
    assert recompute_due_times.delay(run.pk).get()["state"] == RecomputeState.DONE  # done: left alone
    DueTimeRecompute.objects.filter(pk=run.pk).update(state=RecomputeState.RUNNING)  # a redelivery
    again = recompute_due_times.delay(run.pk).get()
    assert (again["state"], again["done"], again["changed"]) == (RecomputeState.DONE, 3, 0)
    assert [dues(t) for t in tickets] == before == [(3 * HOUR, 30 * HOUR)] * 3


def test_a_newer_change_supersedes_a_queued_recompute(
    admin: Any, default: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = opened(2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_policy(actor=admin, values=values(5, 50), policy=default)
        first = latest()
        save_policy(actor=admin, values=values(6, 60), policy=default)
    first.refresh_from_db()
    assert first.state == RecomputeState.SUPERSEDED
    run_all(callbacks)  # both jobs were sent; the older one does nothing
    first.refresh_from_db()
    assert (first.state, first.done) == (RecomputeState.SUPERSEDED, 0)
    assert latest().state == RecomputeState.DONE
    assert dues(ticket) == (6 * HOUR, 60 * HOUR)


def test_a_change_while_a_recompute_runs_stops_it_and_the_newer_one_wins(
    admin: Any, default: SLAPolicy, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(recompute, "BATCH", 2)
    tickets = [opened(i) for i in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=False):
        save_policy(actor=admin, values=values(5, 50), policy=default)
    older = latest()

    def change_mid_way(done: int, total: int) -> None:
        if done == 2:  # after the first batch, someone saves the policy again
            with django_capture_on_commit_callbacks(execute=False):
                save_policy(actor=admin, values=values(7, 70), policy=default)

    stopped = recompute.run_recompute(older.pk, change_mid_way)
    assert (stopped.state, stopped.total, stopped.done) == (RecomputeState.SUPERSEDED, 5, 2)
    assert [dues(t) for t in tickets[2:]] == [(None, None)] * 3  # the old policy wrote no more
    newer = recompute.run_recompute(latest().pk)
    assert (newer.state, newer.done, newer.changed) == (RecomputeState.DONE, 5, 5)
    assert {dues(t) for t in tickets} == {(7 * HOUR, 70 * HOUR)}


def test_the_breach_check_waits_for_the_recompute(
    admin: Any, default: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    relaxed = opened(30)  # late by the 24-hour policy, not by the 48-hour one
    late_anyway = opened(60)
    fill_missing_due_times()  # the default policy's: both late by now
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_policy(actor=admin, values=values(48, 96), policy=default)
    waiting = check_breaches()
    assert waiting.deferred and waiting.alerted == 0
    assert not SLABreach.objects.exists()  # the 24-hour due times no longer count
    run_all(callbacks)
    after = check_breaches()
    assert not after.deferred and after.alerted == 1
    assert list(SLABreach.objects.values_list("ticket_id", flat=True)) == [late_anyway.pk]
    assert dues(relaxed) == (48 * HOUR, 96 * HOUR)


@pytest.fixture
def office(admin: Any) -> BusinessCalendar:
    week = [[(540, 1020)]] * 5 + [[], []]
    calendar: BusinessCalendar = save_calendar(
        actor=admin,
        values={
            "name": "Office",
            "time_zone": "Europe/Berlin",
            "weekly_hours": week,
            "holidays": [date(2026, 12, 25)],
        },
    )
    return calendar


def test_a_failure_is_recorded_and_raised_and_the_breach_check_goes_on(
    admin: Any, default: SLAPolicy, office: BusinessCalendar, django_capture_on_commit_callbacks: Any
) -> None:
    opened(1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_policy(actor=admin, values=values(4, 16, calendar=office), policy=default)
    # The calendar's row is broken before the job reads it (it can no longer be read as hours).
    BusinessCalendar.objects.filter(pk=office.pk).update(weekly_hours=[["broken"]] * 7)
    with pytest.raises(ValueError, match="unpack"):  # raised to the worker, not swallowed
        run_all(callbacks)
    run = latest()
    assert (run.state, run.error) == (RecomputeState.FAILED, "ValueError")
    assert run.finished_at is not None
    assert not recompute_pending()
    BusinessCalendar.objects.filter(pk=office.pk).update(weekly_hours=[[[540, 1020]]] * 7)
    assert not check_breaches().deferred  # a failed recompute does not hold the check for ever


def test_the_sweeper_sends_a_dead_workers_recompute_again_then_gives_up(
    admin: Any, default: SLAPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    assert recovery.registered()["sla-recompute"] == "smartcrm.support.recompute.recover_stale"
    ticket = opened(1)
    with django_capture_on_commit_callbacks(execute=False):
        save_policy(actor=admin, values=values(9, 90), policy=default)
    run = latest()
    now = timezone.now()
    silent = now - heartbeat.lease() - timedelta(seconds=1)
    DueTimeRecompute.objects.filter(pk=run.pk).update(
        state=RecomputeState.RUNNING, worker="elsewhere:7", heartbeat_at=now
    )
    assert recompute.recover_stale(now) == 0  # beating: left alone
    DueTimeRecompute.objects.filter(pk=run.pk).update(heartbeat_at=silent)
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute.recover_stale(now) == 1
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RecomputeState.DONE, 1)
    assert dues(ticket) == (9 * HOUR, 90 * HOUR)

    DueTimeRecompute.objects.filter(pk=run.pk).update(
        state=RecomputeState.RUNNING, heartbeat_at=silent, attempts=recompute.MAX_ATTEMPTS
    )
    assert recompute.recover_stale(now) == 1
    run.refresh_from_db()
    assert (run.state, run.error) == (RecomputeState.FAILED, recompute.INTERRUPTED)
    assert not recompute_pending()
