"""Workflows end to end in-process (Celery eager): versions, triggers, exactly once, retries,
the sweeper, the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from smartcrm.activities.models import Task
from smartcrm.automation import actions, services
from smartcrm.automation.models import (
    Outbox,
    OutboxStatus,
    RunStatus,
    StepLog,
    TimedTrigger,
    WorkflowRun,
)
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers import services as customers
from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import CustomerScore
from smartcrm.orders import services as orders
from smartcrm.orders.services import LineInput
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = {
    "action": "send_email",
    "subject": {"en": "Hi {{ first_name }}", "zh": "{{ first_name }}，你好"},
    "body": {"en": 'We miss you, {{ first_name|default:"friend" }}.', "zh": "我们想念您。"},
}


def _workflow(
    commit: Callable[..., Any], trigger: dict[str, Any], steps: list[dict[str, Any]], **kw: Any
) -> Any:
    return commit(
        services.create_workflow, actor="test", name="wf", trigger=trigger, steps=steps, enabled=True, **kw
    )


def _consenting(**kwargs: Any) -> Customer:
    customer = factories.CustomerFactory(**kwargs)
    customers.set_consent(actor="test", customer=customer, channel="email", status="granted")
    return customer


def test_a_definition_is_checked_when_saved() -> None:
    with pytest.raises(ServiceValidationError) as caught:
        services.create_workflow(
            actor="test",
            name="bad",
            trigger={"type": "record", "entity": "invoice", "action": "created"},
            conditions={"field": "score.nope", "op": ">", "value": 1},
            steps=[{"action": "send_email", "subject": {"en": "{{ password }}"}, "body": {"en": "x"}}],
        )
    text = caught.value.errors["definition"]
    assert "trigger.entity" in text and "unknown field 'score.nope'" in text
    assert "unknown merge field password" in text


def test_a_new_customer_fires_its_workflow_once_and_the_email_goes_through_the_outbox(
    commit: Callable[..., Any],
) -> None:
    _workflow(
        commit,
        {"type": "record", "entity": "customer", "action": "changed"},
        [EMAIL, {"action": "add_tag", "tag": "welcomed"}],
        conditions={"field": "customer.country", "op": "=", "value": "DE"},
    )
    customer = _consenting(first_name="Ada", country="US")
    commit(customers.update_customer, actor="test", customer=customer, values={"city": "Paris"})
    assert WorkflowRun.objects.count() == 0  # the condition does not hold
    commit(customers.update_customer, actor="test", customer=customer, values={"country": "DE"})
    run = WorkflowRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED and run.event == "customer.changed"
    assert [s.kind for s in run.steps.all()] == ["send_email", "add_tag"]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Hi Ada"
    assert mail.outbox[0].to == [customer.email]
    assert Outbox.objects.get().status == OutboxStatus.SENT
    assert set(customer.tags.values_list("name", flat=True)) == {"welcomed"}
    assert "email" not in str(run.context).lower() or customer.email not in str(run.context)


def test_an_event_delivered_twice_fires_once(commit: Callable[..., Any]) -> None:
    wf = _workflow(
        commit,
        {"type": "record", "entity": "order", "action": "created"},
        [{"action": "add_tag", "tag": "buyer"}],
    )
    customer = factories.CustomerFactory()
    for _ in range(2):
        commit(
            services.fire,
            "record:order:created",
            event="order.created",
            event_id="order:77:created",
            context={},
            customer_id=customer.pk,
        )
    assert WorkflowRun.objects.filter(workflow=wf).count() == 1
    assert StepLog.objects.filter(kind="add_tag").count() == 1


def test_an_order_placed_through_the_service_triggers_and_plans_the_days_after_it(
    commit: Callable[..., Any],
) -> None:
    _workflow(
        commit,
        {"type": "record", "entity": "order", "action": "created"},
        [{"action": "add_tag", "tag": "buyer"}],
        conditions={"field": "record.total", "op": ">=", "value": 10},
    )
    later = _workflow(
        commit,
        {
            "type": "time",
            "schedule": "after_last_order",
            "days": 3,
            "at": "09:00",
            "time_zone": "Europe/Berlin",
        },
        [{"action": "add_tag", "tag": "review-asked"}],
    )
    customer = factories.CustomerFactory()
    product = factories.ProductFactory(price=Decimal("25.00"))
    placed = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
    commit(
        orders.create_order,
        actor="test",
        customer=customer,
        lines=[LineInput(product.pk, 1)],
        placed_at=placed,
    )
    assert WorkflowRun.objects.get().status == RunStatus.SUCCEEDED
    due = TimedTrigger.objects.get(workflow=later)
    assert due.due_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST, the day the clocks change
    assert commit(services.sweep, due.due_at - timedelta(minutes=1))["fired"] == 0
    assert commit(services.sweep, due.due_at)["fired"] == 1
    assert commit(services.sweep, due.due_at + timedelta(hours=1))["fired"] == 0
    assert WorkflowRun.objects.filter(workflow=later, status=RunStatus.SUCCEEDED).count() == 1


def test_editing_makes_a_version_and_a_waiting_run_finishes_on_its_own(commit: Callable[..., Any]) -> None:
    wf = _workflow(commit, {"type": "manual"}, [{"wait": {"hours": 1}}, {"action": "add_tag", "tag": "v1"}])
    customer = factories.CustomerFactory()
    (run,) = commit(services.start_manual, actor="test", workflow=wf, customer_ids=[customer.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING
    commit(services.update_workflow, actor="test", workflow=wf, steps=[{"action": "add_tag", "tag": "v2"}])
    wf.refresh_from_db()
    assert wf.current_version.number == 2
    commit(services.sweep, run.resume_at)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.version.number == 1
    assert list(customer.tags.values_list("name", flat=True)) == ["v1"]


def test_a_failing_step_retries_with_backoff_fails_and_is_retried_from_that_step(
    commit: Callable[..., Any], settings: Any
) -> None:
    wf = _workflow(
        commit,
        {"type": "manual"},
        [
            {"action": "add_tag", "tag": "first"},
            {"action": "create_task", "title": "Call", "assignee": "nobody"},
        ],
    )
    customer = factories.CustomerFactory()
    (run,) = commit(services.start_manual, actor="test", workflow=wf, customer_ids=[customer.pk])
    now = datetime.now(UTC)
    for _ in range(services.MAX_ATTEMPTS):
        run.refresh_from_db()
        if run.status == RunStatus.WAITING:
            assert run.resume_at > now  # the backoff
            now = run.resume_at
            services.execute(run.pk, now=now)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.cursor == 1 and "No active user" in run.error
    assert run.steps.filter(kind="create_task", status="failed").count() == services.MAX_ATTEMPTS
    factories.UserFactory(username="nobody")
    commit(services.retry_run, actor="test", run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.steps.filter(kind="add_tag").count() == 1  # not repeated
    assert Task.objects.filter(customer=customer).count() == 1


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs in this process."""


def test_a_worker_killed_mid_run_resumes_without_sending_the_email_again(
    commit: Callable[..., Any], monkeypatch: Any
) -> None:
    kills = iter([True])

    def dies(step: dict[str, Any], doing: actions.Doing) -> dict[str, Any]:
        if next(kills, False):
            raise WorkerKilled
        return {"survived": True}

    monkeypatch.setitem(actions.ACTIONS, "die_once", actions.Action("Die", dies, lambda step: []))
    wf = _workflow(commit, {"type": "manual"}, [EMAIL])
    customer = _consenting(first_name="Lin")
    version = wf.current_version
    version.steps = [EMAIL, {"action": "die_once"}, {"action": "add_tag", "tag": "done"}]
    version.save()
    with pytest.raises(WorkerKilled):
        commit(services.start_manual, actor="test", workflow=wf, customer_ids=[customer.pk])
    run = WorkflowRun.objects.get()
    assert run.cursor == 1 and Outbox.objects.count() == 1
    # The sweeper sends the run again once it has been untouched for a while (its task died),
    # and the mail its first step wrote but never handed over.
    assert commit(services.sweep, datetime.now(UTC) + timedelta(minutes=11))["stale"] == 1
    assert services.deliver_pending(older_than=timedelta(0)) == 0  # nothing left unsent
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert len(mail.outbox) == 1 and Outbox.objects.get().status == OutboxStatus.SENT
    assert services.deliver(Outbox.objects.get().pk) == "skipped"


def test_a_score_crossing_its_line_fires_once(commit: Callable[..., Any]) -> None:
    wf = _workflow(
        commit,
        {"type": "score", "score": "churn_risk", "above": 0.7},
        [{"action": "add_tag", "tag": "at-risk"}],
    )
    a, b = factories.CustomerFactory(), factories.CustomerFactory()
    today = datetime.now(UTC)
    for c, risk in ((a, 0.2), (b, 0.9)):
        CustomerScore.objects.create(customer=c, as_of=today.date(), scored_at=today, churn_risk=risk)
    assert commit(services.score_crossings, "d1") == 0  # the first refresh is the baseline
    CustomerScore.objects.filter(customer=a).update(churn_risk=0.8)
    assert commit(services.score_crossings, "d2") == 1
    assert commit(services.score_crossings, "d2") == 0
    assert WorkflowRun.objects.get(workflow=wf).customer_id == a.pk


def test_rate_limit_per_action_holds_the_rest_back(commit: Callable[..., Any]) -> None:
    wf = _workflow(commit, {"type": "manual"}, [{"action": "add_tag", "tag": "x", "rate_limit_per_hour": 2}])
    people = [factories.CustomerFactory() for _ in range(3)]
    commit(services.start_manual, actor="test", workflow=wf, customer_ids=[p.pk for p in people])
    statuses = sorted(WorkflowRun.objects.values_list("status", flat=True))
    assert statuses == [RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, RunStatus.WAITING]


def test_an_inbound_webhook_starts_a_run_once_per_idempotency_key(commit: Callable[..., Any]) -> None:
    wf = _workflow(
        commit,
        {"type": "webhook"},
        [{"action": "add_tag", "tag": "hooked"}],
        conditions={"field": "webhook.kind", "op": "=", "value": "signup"},
    )
    customer = factories.CustomerFactory()
    for _ in range(2):
        commit(
            services.receive_webhook,
            token=wf.inbound_token,
            payload={"kind": "signup", "customer_id": customer.pk},
            delivery_id="abc",
        )
    assert WorkflowRun.objects.get().status == RunStatus.SUCCEEDED
    with pytest.raises(type(wf).DoesNotExist):
        services.receive_webhook(token="wrong", payload={})


def test_a_cron_workflow_is_planned_in_its_time_zone_and_replanned_after_firing(
    commit: Callable[..., Any],
) -> None:
    wf = _workflow(
        commit,
        {"type": "time", "schedule": "cron", "cron": "30 2 * * *", "time_zone": "Europe/Berlin"},
        [{"action": "notify_staff", "role": "manager", "message": "Daily"}],
    )
    due = TimedTrigger.objects.get(workflow=wf)
    first = due.due_at
    assert first.astimezone(ZoneInfo("Europe/Berlin")).hour in (2, 3)
    commit(services.sweep, first)
    due.refresh_from_db()
    assert due.due_at > first and due.fired_at is None
    assert WorkflowRun.objects.filter(workflow=wf).count() == 1
    commit(services.set_enabled, actor="test", workflow=wf, enabled=False)
    assert not TimedTrigger.objects.filter(workflow=wf).exists()


def test_a_ticket_that_reads_negative_fires_its_workflow_once(commit: Callable[..., Any]) -> None:
    from smartcrm.automation import events
    from smartcrm.textanalysis.models import TextAnalysis

    wf = _workflow(
        commit,
        {"type": "sentiment", "to": "negative"},
        [{"action": "add_tag", "tag": "unhappy"}],
        conditions={"field": "record.urgency_level", "op": "=", "value": "high"},
    )
    ticket = factories.TicketFactory()
    now = datetime.now(UTC)
    analysis = TextAnalysis.objects.create(
        source_kind="ticket",
        source_id=ticket.pk,
        customer=ticket.customer,
        text_created_at=now,
        lang="en",
        sentiment="negative",
        sentiment_score=-0.8,
        urgency_level="high",
        model_version="test",
        analysed_at=now,
    )
    for _ in range(2):  # analysed again: still once
        commit(events.ticket_analysed, analysis)
    run = WorkflowRun.objects.get(workflow=wf)
    assert run.status == RunStatus.SUCCEEDED and run.context["record.sentiment"] == "negative"
    assert list(ticket.customer.tags.values_list("name", flat=True)) == ["unhappy"]


def test_the_next_best_action_step_makes_a_task_with_its_reason(commit: Callable[..., Any]) -> None:
    wf = _workflow(commit, {"type": "manual"}, [{"action": "next_best_action_task", "due_in_days": 1}])
    customer = factories.CustomerFactory(orders_count=3, total_spent=Decimal("420.00"))
    today = datetime.now(UTC)
    CustomerScore.objects.create(
        customer=customer, as_of=today.date(), scored_at=today, churn_risk=0.95, clv_12m=900.0
    )
    (run,) = commit(services.start_manual, actor="test", workflow=wf, customer_ids=[customer.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    task = Task.objects.get(customer=customer)
    step = run.steps.get(kind="next_best_action_task")
    assert step.output["next_action"] != "nothing" and ":" in task.title
