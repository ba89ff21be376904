"""The background recompute of the open tickets' due times after an SLA policy or a business
calendar changed (requested by :func:`smartcrm.support.sla.request_recompute`).

The job reads the policies when it starts and walks the open tickets in id order, a batch per
transaction. Each batch locks the newest recompute row and goes on only while that is its own
(a newer change supersedes it: the newer job reads the newer policies and redoes every ticket),
then locks its tickets and writes the due times that moved (computed just before, outside the
lock). Locking the tickets means an agent changing a ticket's priority meanwhile either finishes
first (the batch sees the new priority under the lock and computes that ticket again) or waits
for the batch (and sets the due times of the new priority itself).

Idempotent: a second run of the same recompute (a redelivered message, the stale-run sweeper
sending it again) computes the same due times and writes none. A failure marks the recompute
``failed`` with the error's type and is raised again, so the worker logs it and the SLA page
shows it with a *Retry*; the breach check is held only while a recompute is queued or running.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from smartcrm.core import heartbeat
from smartcrm.engine.business_hours import WorkCalendar
from smartcrm.support import jobs
from smartcrm.support.models import DueTimeRecompute, RecomputeState, SLAPolicy, Ticket
from smartcrm.support.selectors import PENDING_RECOMPUTE, get_recompute
from smartcrm.support.sla import OPEN_STATUSES, due_times, policy_for, work_calendar

# Open tickets recomputed and written per transaction (their rows are locked for that long).
BATCH = 500
# A recompute whose worker died (or whose job was lost) is sent again this many times, then failed.
MAX_ATTEMPTS = 3  # (INTERRUPTED says three)
FIELDS = ["first_response_due_at", "resolution_due_at"]
# Kept in English, shown translated (``{% translate run.error %}``).
INTERRUPTED = gettext_noop("Interrupted: its job was lost or its worker stopped three times. Retry it.")

Progress = Callable[[int, int], None]
Due = tuple[datetime | None, datetime | None]
Calendars = dict[int, WorkCalendar | None]  # each policy's business hours, by the policy's id


class _Superseded(Exception):
    """A newer change requested another recompute: this one stops."""


def _still_newest(run: DueTimeRecompute) -> None:
    newest = DueTimeRecompute.objects.select_for_update().order_by("-pk").values_list("pk", flat=True).first()
    if newest != run.pk:
        raise _Superseded


def _due(
    priority: str, channel: str, created_at: datetime, policies: list[SLAPolicy], calendars: Calendars
) -> Due:
    policy = policy_for(priority, channel, policies)
    return (None, None) if policy is None else due_times(created_at, policy, calendars[policy.pk])


def _recompute_batch(
    run: DueTimeRecompute, after: int, policies: list[SLAPolicy], calendars: Calendars
) -> tuple[int, int, int]:
    """The open tickets after id ``after`` (a batch): how many, how many moved, the last id.

    The due times are computed before the batch's transaction (opening hours take a while), and
    the tickets are locked only to write them: one whose priority, channel or creation changed
    in between is computed again under the lock."""
    rows = list(
        Ticket.objects.filter(pk__gt=after, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", "priority", "channel", "created_at")[:BATCH]
    )
    if not rows:
        return 0, 0, after
    computed = {pk: ((p, c, t), _due(p, c, t, policies, calendars)) for pk, p, c, t in rows}
    with transaction.atomic():
        _still_newest(run)
        tickets = (
            Ticket.objects.select_for_update()
            .filter(pk__in=computed, status__in=OPEN_STATUSES)
            .only("pk", "priority", "channel", "created_at", *FIELDS)
            .order_by("pk")
        )
        moved = []
        for ticket in tickets:
            read, due = computed[ticket.pk]
            now = (ticket.priority, ticket.channel, ticket.created_at)
            if now != read:  # changed since the batch was read
                due = _due(*now, policies, calendars)
            if (ticket.first_response_due_at, ticket.resolution_due_at) != due:
                ticket.first_response_due_at, ticket.resolution_due_at = due
                moved.append(ticket)
        Ticket.objects.bulk_update(moved, FIELDS)
        DueTimeRecompute.objects.filter(pk=run.pk).update(
            done=run.done + len(rows), changed=run.changed + len(moved)
        )
    return len(rows), len(moved), rows[-1][0]


def _finish(run: DueTimeRecompute, state: RecomputeState, error: str = "") -> DueTimeRecompute:
    run.state, run.error, run.finished_at = state, error[:300], timezone.now()
    run.save(update_fields=["state", "error", "finished_at", "done", "changed"])
    return run


def run_recompute(run_id: int, progress: Progress | None = None) -> DueTimeRecompute:
    """Recompute the open tickets' due times for recompute ``run_id`` with the policies as they
    are now; ``progress(done, total)`` after each batch. Does nothing for a recompute that is
    done or superseded."""
    run = get_recompute(run_id)
    if run.state in (RecomputeState.DONE, RecomputeState.SUPERSEDED):
        return run
    if DueTimeRecompute.objects.filter(pk__gt=run.pk).exists():
        return _finish(run, RecomputeState.SUPERSEDED)
    run.state, run.started_at, run.error = RecomputeState.RUNNING, timezone.now(), ""
    run.total = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    run.done = run.changed = 0
    run.save(update_fields=["state", "started_at", "error", "total", "done", "changed"])
    try:
        with heartbeat.beating(DueTimeRecompute, run.pk):
            policies = list(SLAPolicy.objects.select_related("calendar"))
            calendars = {policy.pk: work_calendar(policy) for policy in policies}
            after = 0
            while True:
                seen, moved, after = _recompute_batch(run, after, policies, calendars)
                run.done, run.changed = run.done + seen, run.changed + moved
                if progress:
                    progress(run.done, run.total)
                if seen < BATCH:
                    break
    except _Superseded:
        return _finish(run, RecomputeState.SUPERSEDED)
    except (OperationalError, InterfaceError):
        raise  # the task retries (core/tasks.py: the database dropped or locked): still running
    except Exception as exc:
        _finish(run, RecomputeState.FAILED, type(exc).__name__)
        raise
    return _finish(run, RecomputeState.DONE)


def recover_stale(now: datetime) -> int:
    """Send again the recomputes whose worker died (safe: idempotent, and a newer change
    supersedes them anyway), or whose job was lost before it started; after
    :data:`MAX_ATTEMPTS` mark them failed, so that the breach check is not held for ever."""
    found = 0
    for run in DueTimeRecompute.objects.filter(state__in=PENDING_RECOMPUTE).only(
        "pk", "state", "worker", "heartbeat_at", "requested_at", "attempts"
    ):
        beat = run.heartbeat_at or run.requested_at
        worker = run.worker if run.state == RecomputeState.RUNNING else ""
        if not heartbeat.is_stale(beat, worker, now):
            continue
        same = DueTimeRecompute.objects.filter(pk=run.pk, state=run.state, heartbeat_at=run.heartbeat_at)
        if run.attempts >= MAX_ATTEMPTS:
            found += same.update(state=RecomputeState.FAILED, error=INTERRUPTED, finished_at=now)
            continue
        if same.update(state=RecomputeState.QUEUED, worker="", heartbeat_at=now, attempts=F("attempts") + 1):
            found += 1
            jobs.recompute_due_times.on_commit(run.pk)
    return found
