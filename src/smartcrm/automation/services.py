"""Workflows: saving (each edit a new version), firing exactly once, running, retrying, the
one sweeper over stored due times, and the outbox.

Exactly once, end to end:

- **firing**: a run's ``idempotency_key`` is the event's id and the version's id, unique in the
  database; an event delivered twice finds the run it made the first time. Record events create
  their runs inside the writer's transaction (see :mod:`smartcrm.automation.events`), so a
  committed write always has its runs and a rolled-back one has none.
- **running**: each instruction runs in one transaction with the run's cursor: its database
  writes, its log line and the step after it commit together. A worker killed mid-run leaves
  the cursor at the first step not done; the task (acknowledged late) runs again from there.
- **sending**: an email or a webhook call is an ``Outbox`` row written in the step's
  transaction, sent after the commit and marked sent; a retried delivery skips a sent row.
"""

from __future__ import annotations

import logging
import random
import secrets
import smtplib
import time as clock
import uuid
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.automation import actions, jobs, rules, triggers
from smartcrm.automation.context import all_fields, customer_values, jsonable
from smartcrm.automation.models import (
    ACTIVE_STATUSES,
    Outbox,
    OutboxKind,
    OutboxStatus,
    RunStatus,
    ScoreSnapshot,
    StepLog,
    StepStatus,
    TimedTrigger,
    TriggerType,
    Workflow,
    WorkflowRun,
    WorkflowVersion,
)
from smartcrm.automation.program import compile_steps
from smartcrm.automation.schedule import before_birthday, before_day, days_after, next_cron
from smartcrm.core import audit, heartbeat
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.smtp import ClaimLost, OnceSender, Refused, commit_without_flush_wait
from smartcrm.customers.models import Customer
from smartcrm.integrations.signing import SIGNATURE_HEADER, sign_outbound
from smartcrm.integrations.targets import UnsafeTarget, post
from smartcrm.intelligence.models import CustomerScore

logger = logging.getLogger("smartcrm.automation")

LISTENING_CACHE_KEY = "automation:listening"
MAX_ATTEMPTS = 4  # tries of one step before the run fails (then "retry from the failed step")
RATE_RECHECK = timedelta(minutes=5)
SWEEP_BATCH = 500
OUTBOX_MAX_ATTEMPTS = 5
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def retry_base_seconds() -> float:
    return float(getattr(settings, "SMARTCRM_AUTOMATION_RETRY_BASE", 30.0))


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: about base × 2^(attempt-1), at most an hour."""
    base = retry_base_seconds() * 2 ** (attempt - 1)
    return timedelta(seconds=min(3600.0, base * (0.5 + (rng or random).random() / 2)))


# --- saving workflows ---------------------------------------------------------------------


def steps_problems(steps: Any, path: str = "steps") -> list[str]:
    if not isinstance(steps, list):
        return [f"{path}: a list of steps"]
    found: list[str] = []
    fields = set(all_fields())
    for i, step in enumerate(steps):
        where = f"{path}[{i}]"
        if not isinstance(step, dict):
            found.append(f"{where}: a step is an object")
        elif "if" in step:
            found += rules.problems(step["if"], fields, f"{where}.if")
            found += steps_problems(step.get("then", []), f"{where}.then")
            found += steps_problems(step.get("else", []), f"{where}.else")
        elif "wait" in step:
            wait = step["wait"]
            if not isinstance(wait, dict) or not any(isinstance(wait.get(u), int | float) for u in wait):
                found.append(f'{where}.wait: e.g. {{"days": 2}} or {{"hours": 4}}')
        elif step.get("action") not in actions.ACTIONS:
            found.append(f"{where}.action: one of {', '.join(actions.ACTIONS)}")
        else:
            found += [f"{where}.{p}" for p in actions.ACTIONS[step["action"]].problems(step)]
            limit = step.get("rate_limit_per_hour")
            if limit is not None and (not isinstance(limit, int) or limit < 1):
                found.append(f"{where}.rate_limit_per_hour: a whole number of at least 1")
    return found


def validate(trigger: Any, conditions: Any, steps: Any) -> None:
    found = triggers.problems(trigger) + rules.problems(conditions, set(all_fields()), "conditions")
    found += steps_problems(steps)
    if not steps:
        found.append("steps: give at least one step")
    if found:
        raise ServiceValidationError({"definition": "; ".join(found[:20])})


def _clean_name(name: Any) -> str:
    name = str(name or "").strip()
    if not name or len(name) > 120:
        raise ServiceValidationError({"name": _("Give a name of 1 to 120 characters.")})
    return name


def forget_listening() -> None:
    cache.delete(LISTENING_CACHE_KEY)


def listening() -> frozenset[str]:
    """The trigger keys of the enabled workflows (cached; emptied whenever one is saved)."""
    found = cache.get(LISTENING_CACHE_KEY)
    if found is None:
        found = frozenset(
            triggers.key(t)
            for t in WorkflowVersion.objects.filter(
                workflow__enabled=True, workflow__current_version=F("pk")
            ).values_list("trigger", flat=True)
        )
        cache.set(LISTENING_CACHE_KEY, found, 60)
    return frozenset(found)


def _new_version(
    actor: Actor, workflow: Workflow, trigger: Any, conditions: Any, steps: Any
) -> WorkflowVersion:
    validate(trigger, conditions, steps)
    last = workflow.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = WorkflowVersion.objects.create(
        workflow=workflow,
        number=last + 1,
        trigger=trigger,
        conditions=conditions or {},
        steps=steps,
        created_by=audit.user_of(actor),
    )
    workflow.current_version = version
    workflow.trigger_type = trigger["type"]
    return version


@transaction.atomic
def create_workflow(
    *,
    actor: Actor,
    name: str,
    trigger: dict[str, Any],
    steps: list[dict[str, Any]],
    conditions: dict[str, Any] | None = None,
    enabled: bool = False,
    now: datetime | None = None,
) -> Workflow:
    """A workflow and its version 1; ``now`` plans a cron line's first due time (replays)."""
    workflow = Workflow.objects.create(
        name=_clean_name(name),
        enabled=enabled,
        trigger_type=str(trigger.get("type", "")) if isinstance(trigger, dict) else "",
        inbound_token=secrets.token_urlsafe(32),
        signing_secret=secrets.token_urlsafe(32),
        created_by=audit.user_of(actor),
    )
    _new_version(actor, workflow, trigger, conditions, steps)
    workflow.save(update_fields=["current_version", "trigger_type"])
    audit.record(actor, AuditAction.CREATE, workflow, changes={"name": workflow.name, "enabled": enabled})
    _plan_time(workflow, now)
    transaction.on_commit(forget_listening)
    return workflow


@transaction.atomic
def update_workflow(
    *,
    actor: Actor,
    workflow: Workflow,
    name: str | None = None,
    trigger: dict[str, Any] | None = None,
    conditions: dict[str, Any] | None = None,
    steps: list[dict[str, Any]] | None = None,
) -> Workflow:
    """Rename, or save a changed definition as the next version (runs keep theirs)."""
    workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
    current = workflow.current_version
    changes: dict[str, Any] = {}
    if name is not None and _clean_name(name) != workflow.name:
        workflow.name = changes["name"] = _clean_name(name)
    definition = (
        trigger if trigger is not None else current.trigger if current else {},
        conditions if conditions is not None else current.conditions if current else {},
        steps if steps is not None else current.steps if current else [],
    )
    if current is None or definition != (current.trigger, current.conditions, current.steps):
        changes["version"] = _new_version(actor, workflow, *definition).number
    if changes:
        workflow.save(update_fields=["name", "current_version", "trigger_type", "updated_at"])
        audit.record(actor, AuditAction.UPDATE, workflow, changes=changes)
        if "version" in changes:
            _plan_time(workflow)
        transaction.on_commit(forget_listening)
    return workflow


@transaction.atomic
def set_enabled(*, actor: Actor, workflow: Workflow, enabled: bool, now: datetime | None = None) -> Workflow:
    """Turn a workflow on or off; a cron line is planned from ``now`` (no backlog fires)."""
    if workflow.enabled != enabled:
        workflow.enabled = enabled
        workflow.save(update_fields=["enabled", "updated_at"])
        audit.record(actor, AuditAction.UPDATE, workflow, changes={"enabled": enabled})
        _plan_time(workflow, now)
        transaction.on_commit(forget_listening)
    return workflow


def _plan_time(workflow: Workflow, now: datetime | None = None) -> None:
    """(Re)plan a cron workflow's next due time; drop it when disabled or no longer timed."""
    version = workflow.current_version
    if not (workflow.enabled and version and version.trigger.get("type") == TriggerType.TIME):
        TimedTrigger.objects.filter(workflow=workflow, fired_at__isnull=True).delete()
        return
    if version.trigger.get("schedule") == "cron":
        due = next_cron(version.trigger["cron"], now or timezone.now(), triggers.zone(version.trigger))
        TimedTrigger.objects.update_or_create(
            workflow=workflow, key="cron", defaults={"due_at": due, "fired_at": None}
        )
    elif version.trigger.get("schedule") in triggers.DATE_FIELDS:
        _plan_dates(workflow, version, now or timezone.now())


def _date_due(trigger: dict[str, Any], day: date, now: datetime) -> datetime | None:
    """The next due instant of a birthday (each year) or renewal (once; None once it has passed)."""
    at, zone, days = triggers.at_time(trigger), triggers.zone(trigger), int(trigger["days"])
    if trigger["schedule"] == "before_birthday":
        return before_birthday(day, days, at, zone, now)
    due = before_day(day, days, at, zone)
    return due if due > now else None


def _plan_dates(workflow: Workflow, version: WorkflowVersion, now: datetime) -> int:
    """Plan every customer's next birthday or renewal due time for this workflow, in batches.

    Rows planned for another definition go; a row already due but not yet swept stays (it fires
    at the next sweep); a renewal whose moment has passed is not planned (no backlog fires)."""
    schedule = version.trigger["schedule"]
    prefix, field = triggers.KEY_PREFIXES[schedule], triggers.DATE_FIELDS[schedule]
    mine = TimedTrigger.objects.filter(workflow=workflow)
    mine.filter(fired_at__isnull=True).exclude(key__startswith=f"{prefix}:").delete()
    about_to_fire = set(mine.filter(fired_at__isnull=True, due_at__lte=now).values_list("key", flat=True))
    customers = Customer.objects.exclude(**{f"{field}__isnull": True}).values_list("pk", field)
    planned, batch = 0, []
    for customer_id, day in customers.iterator(chunk_size=SWEEP_BATCH * 10):
        key, due = f"{prefix}:{customer_id}", _date_due(version.trigger, day, now)
        if due is None or key in about_to_fire:
            continue
        batch.append(TimedTrigger(workflow=workflow, key=key, due_at=due, customer_id=customer_id))
        if len(batch) == SWEEP_BATCH * 10:
            planned += _upsert_due(batch)
            batch = []
    return planned + (_upsert_due(batch) if batch else 0)


def _upsert_due(rows: list[TimedTrigger]) -> int:
    TimedTrigger.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["workflow", "key"],
        update_fields=["due_at", "fired_at", "customer"],
    )
    return len(rows)


# --- firing -------------------------------------------------------------------------------


def start(
    version: WorkflowVersion,
    *,
    event: str,
    event_id: str,
    context: dict[str, Any],
    customer_id: int | None,
    occurred_at: datetime | None = None,
) -> WorkflowRun | None:
    """A run of ``version`` for this event, once: ``None`` if the event was seen before or the
    workflow's conditions do not hold. Its execution starts after the commit."""
    key = f"{event_id}|v{version.pk}"[:200]
    if WorkflowRun.objects.filter(idempotency_key=key).exists():
        return None
    if not rules.holds(version.conditions, context):
        return None
    try:
        with transaction.atomic():
            run = WorkflowRun.objects.create(
                workflow_id=version.workflow_id,
                version=version,
                idempotency_key=key,
                event=event[:60],
                customer_id=customer_id,
                context=context,
                triggered_at=occurred_at or timezone.now(),
            )
    except IntegrityError:  # delivered twice at the same moment: the other delivery made it
        return None
    jobs.execute_run.on_commit(run.pk)
    return run


def _listeners(trigger_key: str) -> list[WorkflowVersion]:
    versions = WorkflowVersion.objects.filter(
        workflow__enabled=True, workflow__current_version=F("pk")
    ).select_related("workflow")
    return [v for v in versions if triggers.key(v.trigger) == trigger_key]


def fire(
    trigger_key: str,
    *,
    event: str,
    event_id: str,
    context: dict[str, Any],
    customer_id: int | None,
    occurred_at: datetime | None = None,
) -> list[WorkflowRun]:
    """Start every enabled workflow listening for ``trigger_key`` (each once per event)."""
    if trigger_key not in listening():
        return []
    started = (
        start(
            v,
            event=event,
            event_id=event_id,
            context=context,
            customer_id=customer_id,
            occurred_at=occurred_at,
        )
        for v in _listeners(trigger_key)
    )
    return [run for run in started if run is not None]


def schedule_after_order(customer_id: int, placed_at: datetime) -> int:
    """Move each "N days after the last order" due time of this customer to after this order."""
    if "time:after_last_order" not in listening():
        return 0
    planned = 0
    for version in _listeners("time:after_last_order"):
        due = days_after(
            placed_at,
            version.trigger["days"],
            triggers.at_time(version.trigger),
            triggers.zone(version.trigger),
        )
        TimedTrigger.objects.update_or_create(
            workflow_id=version.workflow_id,
            key=f"customer:{customer_id}",
            defaults={"due_at": due, "fired_at": None, "customer_id": customer_id},
        )
        planned += 1
    return planned


def schedule_dates(customer: Customer, now: datetime | None = None) -> int:
    """A customer's birthday or renewal date was set or changed: (re)plan their due times in the
    birthday and renewal workflows (a cleared date drops its pending row)."""
    wanted = [k for k in ("time:before_birthday", "time:before_renewal") if k in listening()]
    if not wanted:
        return 0
    now = now or timezone.now()
    planned = 0
    for version in (v for k in wanted for v in _listeners(k)):
        schedule = version.trigger["schedule"]
        key = f"{triggers.KEY_PREFIXES[schedule]}:{customer.pk}"
        rows = TimedTrigger.objects.filter(workflow_id=version.workflow_id, key=key)
        day = getattr(customer, triggers.DATE_FIELDS[schedule])
        if day is None:
            rows.filter(fired_at__isnull=True).delete()
            continue
        due = _date_due(version.trigger, day, now)
        if due is None or rows.filter(fired_at__isnull=True, due_at__lte=now).exists():
            continue  # a passed renewal; or a due time the next sweep fires anyway
        TimedTrigger.objects.update_or_create(
            workflow_id=version.workflow_id,
            key=key,
            defaults={"due_at": due, "fired_at": None, "customer_id": customer.pk},
        )
        planned += 1
    return planned


@transaction.atomic
def start_manual(*, actor: Actor, workflow: Workflow, customer_ids: list[int]) -> list[WorkflowRun]:
    """Run a manual workflow for chosen customers (once per customer and request)."""
    version = workflow.current_version
    if version is None or version.trigger.get("type") != TriggerType.MANUAL:
        raise ServiceValidationError({"workflow": _("Only a manual workflow is started by hand.")})
    if not workflow.enabled:
        raise ServiceValidationError({"workflow": _("Enable the workflow first.")})
    if not 0 < len(customer_ids) <= 1000:
        raise ServiceValidationError({"customer_ids": _("Choose 1 to 1,000 customers.")})
    batch = secrets.token_hex(8)
    runs = []
    for customer_id in Customer.objects.filter(pk__in=customer_ids).values_list("pk", flat=True):
        run = start(
            version,
            event="manual",
            event_id=f"manual:{batch}:{customer_id}",
            context=customer_values(customer_id) | {"event": "manual"},
            customer_id=customer_id,
        )
        if run is not None:
            runs.append(run)
    audit.record(actor, AuditAction.UPDATE, workflow, changes={"started_for": len(runs)})
    return runs


def _flat(payload: Any, prefix: str = "webhook") -> dict[str, Any]:
    if isinstance(payload, dict):
        out: dict[str, Any] = {}
        for k, v in list(payload.items())[:50]:
            out |= _flat(v, f"{prefix}.{str(k)[:40]}")
        return out
    return {prefix: payload if isinstance(payload, int | float | bool | type(None)) else str(payload)[:500]}


@transaction.atomic
def receive_webhook(*, token: str, payload: dict[str, Any], delivery_id: str = "") -> WorkflowRun | None:
    """An inbound call of a webhook workflow's secret URL; ``delivery_id`` (the caller's
    ``Idempotency-Key``) makes a repeated call start nothing."""
    workflow = (
        Workflow.objects.filter(inbound_token=token, enabled=True).select_related("current_version").first()
    )
    version = workflow.current_version if workflow else None
    if version is None or version.trigger.get("type") != TriggerType.WEBHOOK:
        raise Workflow.DoesNotExist
    customer_id = payload.get("customer_id")
    if not isinstance(customer_id, int) or not Customer.objects.filter(pk=customer_id).exists():
        customer_id = None
    context = customer_values(customer_id) | _flat(payload) | {"event": "webhook"}
    return start(
        version,
        event="webhook",
        event_id=f"webhook:{delivery_id[:100] or secrets.token_hex(16)}",
        context=context,
        customer_id=customer_id,
    )


def score_crossings(as_of: str) -> int:
    """Start the score workflows for each customer whose score crossed a line since the last
    refresh, then remember the scores. One transaction: a crash leaves the snapshot as it was,
    and the next pass finds the same crossings (and the idempotency keys the runs made)."""
    watched = [*triggers.NUMERIC_SCORES, "segment", "cluster_label", "next_category"]
    started = 0
    with transaction.atomic():
        versions = _listeners("score")
        old = dict(ScoreSnapshot.objects.values_list("customer_id", "values"))
        fresh: list[ScoreSnapshot] = []
        for row in CustomerScore.objects.values("customer_id", *watched).iterator(chunk_size=5000):
            customer_id = row.pop("customer_id")
            values = {k: jsonable(v) for k, v in row.items()}
            before = old.get(customer_id)
            if before != values:
                fresh.append(ScoreSnapshot(customer_id=customer_id, values=values))
            if before is None:
                continue  # a customer's first scores are a baseline, not a crossing
            for version in versions:
                score = version.trigger["score"]
                if triggers.crossed(version.trigger, before.get(score), values.get(score)):
                    context = customer_values(customer_id) | {
                        "event": "score",
                        "score.previous": before.get(score),
                    }
                    event_id = f"score:{customer_id}:{score}:{as_of}"
                    if start(
                        version,
                        event=f"score.{score}",
                        event_id=event_id,
                        context=context,
                        customer_id=customer_id,
                    ):
                        started += 1
        ScoreSnapshot.objects.bulk_create(
            fresh,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=["values"],
        )
    return started


# --- running ------------------------------------------------------------------------------


def _log(run: WorkflowRun, kind: str, status: str, started: datetime, t0: float, **fields: Any) -> None:
    StepLog.objects.create(
        run=run,
        position=run.cursor,
        kind=kind,
        status=status,
        started_at=started,
        duration_ms=int((clock.monotonic() - t0) * 1000),
        **fields,
    )


def _finish(run: WorkflowRun, status: str, now: datetime, error: str = "") -> None:
    run.status, run.finished_at, run.error, run.resume_at = status, now, error[:300], None
    run.save(
        update_fields=[
            "status",
            "finished_at",
            "error",
            "resume_at",
            "cursor",
            "attempts",
            "updated_at",
            "worker",
        ]
    )


def _error_text(exc: Exception) -> str:
    """Our own messages say what is wrong; anything else names only its type (a database
    error can quote a row's values)."""
    if isinstance(exc, actions.ActionError | ServiceValidationError):
        return f"{type(exc).__name__}: {exc}"[:300]
    return type(exc).__name__


def _advance(run_id: int, now: datetime) -> str:
    """Do the run's next instruction in one transaction; "next" when there is more to do now."""
    with transaction.atomic():
        run = (
            WorkflowRun.objects.select_for_update()
            .select_related("version", "workflow")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in ACTIVE_STATUSES:
            return "stopped"
        run.worker = heartbeat.worker_id()  # saved with the step: who to ask whether it is alive
        if run.status == RunStatus.WAITING and run.resume_at is not None and run.resume_at > now:
            return "waiting"
        program = compile_steps(run.version.steps)
        if run.cursor >= len(program):
            _finish(run, RunStatus.SUCCEEDED, now)
            return "done"
        instruction = program[run.cursor]
        started, t0 = timezone.now(), clock.monotonic()
        op = instruction["op"]
        if op == "jump":
            run.cursor = instruction["to"]
        elif op == "branch":
            holds = rules.holds(instruction["rule"], run.context)
            _log(
                run,
                "if",
                StepStatus.DONE,
                started,
                t0,
                input={"rule": instruction["rule"]},
                output={"holds": holds},
            )
            run.cursor = run.cursor + 1 if holds else instruction["else"]
        elif op == "wait":
            if run.resume_at is not None:  # the wait is over (resume_at is cleared by every step)
                run.cursor += 1
                run.resume_at = None
            else:
                run.status, run.resume_at = RunStatus.WAITING, now + timedelta(seconds=instruction["seconds"])
                _log(
                    run, "wait", StepStatus.WAITING, started, t0, output={"until": run.resume_at.isoformat()}
                )
                run.save(update_fields=["status", "resume_at", "updated_at", "worker"])
                return "waiting"
        else:
            outcome = _act(run, instruction["step"], now, started, t0)
            if outcome != "next":
                return outcome
        run.status = RunStatus.RUNNING
        run.save(update_fields=["status", "cursor", "resume_at", "attempts", "error", "updated_at", "worker"])
        return "next"


def _act(run: WorkflowRun, step: dict[str, Any], now: datetime, started: datetime, t0: float) -> str:
    name = step["action"]
    limit = step.get("rate_limit_per_hour")
    if limit is not None:
        used = StepLog.objects.filter(
            run__workflow_id=run.workflow_id,
            kind=name,
            status=StepStatus.DONE,
            started_at__gte=now - timedelta(hours=1),
        ).count()
        if used >= limit:
            run.status, run.resume_at = RunStatus.WAITING, now + RATE_RECHECK
            run.save(update_fields=["status", "resume_at", "updated_at", "worker"])
            return "waiting"
    customer = Customer.objects.filter(pk=run.customer_id).first() if run.customer_id else None
    try:
        with transaction.atomic():
            output = actions.ACTIONS[name].perform(step, actions.Doing(run, run.cursor, customer))
    except Exception as exc:
        run.attempts += 1
        error = _error_text(exc)
        _log(run, name, StepStatus.FAILED, started, t0, input=step, error=error, attempt=run.attempts)
        if run.attempts < MAX_ATTEMPTS:
            run.status, run.resume_at, run.error = RunStatus.WAITING, now + backoff(run.attempts), error
            run.save(update_fields=["status", "resume_at", "attempts", "error", "updated_at", "worker"])
            return "retrying"
        _finish(run, RunStatus.FAILED, now, error)
        return "failed"
    _log(run, name, StepStatus.DONE, started, t0, input=step, output=output, attempt=run.attempts + 1)
    run.cursor += 1
    run.attempts, run.error, run.resume_at = 0, "", None
    return "next"


def execute(run_id: int, *, now: datetime | None = None) -> str:
    """Run ``run_id`` from its cursor until it waits, fails or finishes; the last state.

    Each step's commit records this worker and renews ``updated_at``, the run's heartbeat, so a
    run whose worker died is sent again by the stale-run sweeper (``recover_stale``).
    """
    while True:
        state = _advance(run_id, now or timezone.now())
        if state != "next":
            return state


@transaction.atomic
def retry_run(*, actor: Actor, run: WorkflowRun) -> WorkflowRun:
    """Start a failed run again from its failed step (the steps before it are not repeated)."""
    run = WorkflowRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.FAILED:
        raise ServiceValidationError({"run": _("Only a failed run can be retried.")})
    run.status, run.attempts, run.error, run.finished_at, run.resume_at = RunStatus.PENDING, 0, "", None, None
    run.save(update_fields=["status", "attempts", "error", "finished_at", "resume_at", "updated_at"])
    audit.record(
        actor, AuditAction.UPDATE, run.workflow, changes={"retried_run": run.pk, "from_step": run.cursor}
    )
    jobs.execute_run.on_commit(run.pk)
    return run


@transaction.atomic
def cancel_run(*, actor: Actor, run: WorkflowRun) -> WorkflowRun:
    run = WorkflowRun.objects.select_for_update().get(pk=run.pk)
    if run.status in ACTIVE_STATUSES:
        _finish(run, RunStatus.CANCELLED, timezone.now())
        audit.record(actor, AuditAction.UPDATE, run.workflow, changes={"cancelled_run": run.pk})
    return run


# --- the sweeper --------------------------------------------------------------------------


def _fire_due(due: TimedTrigger, now: datetime) -> bool:
    workflow = due.workflow
    version = workflow.current_version
    fired = False
    timed = (
        version is not None
        and version.trigger.get("type") == TriggerType.TIME
        and due.key.split(":")[0] == triggers.due_prefix(version.trigger)
    )
    if workflow.enabled and version is not None and timed:
        context = customer_values(due.customer_id) | {"event": "time"}
        fired = (
            start(
                version,
                event=f"time.{version.trigger['schedule']}",
                event_id=f"time:{due.pk}:{due.due_at.isoformat()}",
                context=context,
                customer_id=due.customer_id,
                occurred_at=due.due_at,
            )
            is not None
        )
    if timed and version is not None and due.key == "cron" and workflow.enabled:
        # From now, not from the due time: after a sweeper outage a cron line fires once, not
        # once per missed occurrence.
        due.due_at = next_cron(version.trigger["cron"], max(due.due_at, now), triggers.zone(version.trigger))
        due.save(update_fields=["due_at"])
    elif timed and version is not None and due.key.startswith("birthday:") and workflow.enabled:
        _next_birthday(due, version, now)
    else:
        due.fired_at = now
        due.save(update_fields=["fired_at"])
    return fired


def _next_birthday(due: TimedTrigger, version: WorkflowVersion, now: datetime) -> None:
    """Move a fired birthday row to next year's due time (from now: after an outage it fires once)."""
    found = Customer.objects.filter(pk=due.customer_id or 0).values_list("birthday", flat=True)
    birthday = found.first()
    if birthday is None:
        due.fired_at = now
        due.save(update_fields=["fired_at"])
        return
    trigger = version.trigger
    after = max(due.due_at, now)
    due.due_at = before_birthday(
        birthday, int(trigger["days"]), triggers.at_time(trigger), triggers.zone(trigger), after
    )
    due.save(update_fields=["due_at"])


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Fire the timed triggers that are due and wake the runs whose wait, backoff or rate limit
    is over; each due row is claimed under a row lock, so two sweepers never fire it twice."""
    now = now or timezone.now()
    fired = woken = 0
    while True:
        with transaction.atomic():
            due = list(
                TimedTrigger.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fired_at__isnull=True, due_at__lte=now)
                .select_related("workflow__current_version")
                .order_by("due_at")[:SWEEP_BATCH]
            )
            fired += sum(_fire_due(row, now) for row in due)
        if len(due) < SWEEP_BATCH:
            break
    waiting = WorkflowRun.objects.filter(status=RunStatus.WAITING, resume_at__lte=now)
    for run_id in waiting.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            # PENDING claims it: a second sweeper finds nothing to wake, and the run goes on
            # whatever the worker's clock says.
            if WorkflowRun.objects.filter(pk=run_id, status=RunStatus.WAITING).update(
                status=RunStatus.PENDING, updated_at=timezone.now()
            ):
                jobs.execute_run.on_commit(run_id)
                woken += 1
    return {"fired": fired, "woken": woken, "stale": recover_stale(now)}


def recover_stale(now: datetime) -> int:
    """Send again the runs whose worker died, and the unsent outbox rows older than a lease.

    Redis hands an unacknowledged task back only after its visibility timeout (an hour), so a
    run pending or running untouched for a lease, or whose worker's process is gone, is sent
    again; harmless if it is in fact running: the run's row lock and cursor keep steps single,
    and an outbox row is sent under its own row lock, once.
    """
    runs = WorkflowRun.objects.filter(status__in=(RunStatus.PENDING, RunStatus.RUNNING)).only(
        "pk", "updated_at", "worker"
    )
    resent = 0
    for run in runs.order_by("updated_at")[:5000]:
        if heartbeat.is_stale(run.updated_at, run.worker, now):
            jobs.execute_run.send(run.pk)
            resent += 1
    deliver_pending(older_than=heartbeat.lease(), now=now)
    return resent


# --- the outbox ---------------------------------------------------------------------------


def _email(outbox: Outbox) -> EmailMessage:
    payload = outbox.payload
    return EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        headers={
            # The same id on a resend, so a mail system can drop a duplicate.
            "Message-ID": f"<automation-{outbox.run_id}-{outbox.position}@smartcrm>",
            "Auto-Submitted": "auto-generated",
        },
    )


def _call_webhook(outbox: Outbox) -> None:
    url, body = outbox.payload["url"], outbox.payload["body"].encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "smartcrm-workflows/1",
        SIGNATURE_HEADER: sign_outbound(outbox.run.workflow.signing_secret, body),
        "X-Smartcrm-Workflow-Run": str(outbox.run_id),
        "Idempotency-Key": f"run-{outbox.run_id}-step-{outbox.position}",
    }
    status = post(url, body, headers, timeout=10)  # the address checked is the one called
    if not 200 <= status < 300:
        raise OSError(f"the endpoint answered HTTP {status}")


def deliver(outbox_id: int) -> str:
    """Send one outbox row once: a row already sent is left alone; a failure is retried by the
    sweeper (``deliver_pending``) up to five times. An email over SMTP is claimed and recorded
    sent before the server may accept it (core/smtp.py), so a worker killed mid-send never sends
    it twice; other mail backends (the tests' memory, the console) and webhooks are sent under
    the row's lock and recorded in the same transaction."""
    kind = Outbox.objects.filter(pk=outbox_id).values_list("kind", flat=True).first()
    if kind == OutboxKind.EMAIL and settings.EMAIL_BACKEND == SMTP_BACKEND:
        return _deliver_email_once(outbox_id)
    with transaction.atomic():
        outbox = (
            Outbox.objects.select_for_update().select_related("run__workflow").filter(pk=outbox_id).first()
        )
        if outbox is None or outbox.status != OutboxStatus.PENDING:
            return "skipped"
        outbox.attempts += 1
        try:
            if outbox.kind == OutboxKind.EMAIL:
                _email(outbox).send(fail_silently=False)
            else:
                _call_webhook(outbox)
        except (smtplib.SMTPException, OSError, UnsafeTarget) as exc:
            outbox.error = type(exc).__name__
            if outbox.attempts >= OUTBOX_MAX_ATTEMPTS:
                outbox.status = OutboxStatus.FAILED
            outbox.save(update_fields=["attempts", "error", "status"])
            return "failed"
        outbox.status, outbox.sent_at, outbox.error = OutboxStatus.SENT, timezone.now(), ""
        outbox.save(update_fields=["attempts", "error", "status", "sent_at"])
        return "sent"


def _claimable() -> Q:
    """Pending, or claimed by a worker that has not finished within a lease (it died)."""
    stale = timezone.now() - heartbeat.lease()
    return Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, claimed_at__lte=stale)


def _deliver_email_once(outbox_id: int) -> str:
    token = uuid.uuid4().hex
    claimed = Outbox.objects.filter(_claimable(), pk=outbox_id).update(
        status=OutboxStatus.SENDING, claim=token, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    outbox = Outbox.objects.get(pk=outbox_id)
    mine = Outbox.objects.filter(pk=outbox_id, status=OutboxStatus.SENDING, claim=token)

    def commit() -> bool:
        with commit_without_flush_wait():
            return bool(mine.update(status=OutboxStatus.SENT, sent_at=timezone.now(), error=""))

    message = _email(outbox)
    sender: OnceSender | None = None
    try:
        sender = OnceSender()
        raw = message.message().as_bytes(linesep="\r\n")
        sender.send(parseaddr(message.from_email)[1], message.to[0], raw, commit)
    except ClaimLost:
        return "skipped"
    except Refused as exc:  # the server's answer: final, before or after the commit
        Outbox.objects.filter(pk=outbox_id, claim=token).update(status=OutboxStatus.FAILED, error=str(exc))
        return "failed"
    except (smtplib.SMTPException, OSError) as exc:
        # The connection broke. Before the commit the server has no message: the row waits for
        # its next try. After it, the row stays sent (the "." may have been taken).
        gave_up = outbox.attempts >= OUTBOX_MAX_ATTEMPTS
        mine.update(status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING, error=type(exc).__name__)
        return "failed"
    finally:
        if sender is not None:
            sender.close()
    return "sent"


def deliver_pending(older_than: timedelta = timedelta(minutes=1), now: datetime | None = None) -> int:
    """Queue again the outbox rows not sent yet: a failure, or a worker that died between the
    step's commit and handing the message over, or in the middle of sending it (a sent row is
    skipped when its job runs)."""
    stale = (now or timezone.now()) - older_than
    pending = Outbox.objects.filter(_claimable() & Q(created_at__lte=stale))
    queued = 0
    for pk in pending.values_list("pk", flat=True)[:1000]:
        jobs.deliver_outbox.send(pk)
        queued += 1
    return queued
