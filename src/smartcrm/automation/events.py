"""The workflow triggers, named in the domain apps' ``events.py`` (see :mod:`smartcrm.core.events`).

Unlike most handlers these act inside the writer's transaction: a record event writes the runs
it starts (a transactional outbox), so a committed write always has its runs, a rolled-back
one has none, and the runs' execution is handed to the worker after the commit. A cached set
of what enabled workflows listen for keeps this to one cache read per row when none does.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

from smartcrm.automation import context, services, view_entries
from smartcrm.core.events import Work
from smartcrm.support.models import Ticket


def _record(entity: str, action: str, obj: Any) -> None:
    if f"record:{entity}:{action}" not in services.listening():
        return
    changed_at = getattr(obj, "updated_at", None) or timezone.now()
    event_id = (
        f"{entity}:{obj.pk}:created"
        if action == "created"
        else f"{entity}:{obj.pk}:changed:{changed_at.isoformat()}"
    )
    customer_id, values = context.build(entity, obj)
    services.fire(
        f"record:{entity}:{action}",
        event=f"{entity}.{action}",
        event_id=event_id,
        context=values | {"event": f"{entity}.{action}"},
        customer_id=customer_id,
    )


def customer_created(obj: Any) -> Work | None:
    _record("customer", "created", obj)
    services.schedule_dates(obj)
    view_entries.check_customer(obj.pk)  # in a saved view someone watches from the start
    return None


def customer_updated(obj: Any) -> Work | None:
    _record("customer", "changed", obj)
    services.schedule_dates(obj)  # a birthday or renewal date set or moved
    view_entries.check_customer(obj.pk)  # entered (or left) a watched saved view
    return None


def order_placed(obj: Any) -> Work | None:
    _record("order", "created", obj)
    if obj.customer_id is not None:
        services.schedule_after_order(obj.customer_id, obj.placed_at)
    return None


def ticket_opened(obj: Any) -> Work | None:
    _record("ticket", "created", obj)
    return None


def ticket_updated(obj: Any) -> Work | None:
    _record("ticket", "changed", obj)
    return None


def review_saved(obj: Any) -> Work | None:
    _record("review", "created", obj)  # once per review (its event id); a moderation is a change
    _record("review", "changed", obj)
    return None


def deal_created(obj: Any) -> Work | None:
    _record("deal", "created", obj)
    return None


def deal_changed(obj: Any) -> Work | None:
    _record("deal", "changed", obj)
    return None


def alert_created(alert_id: int) -> Work | None:
    if "alert" not in services.listening():
        return None
    alert = apps.get_model("insights", "Alert")._default_manager.filter(pk=alert_id).first()
    if alert is None:
        return None
    customer_id = alert.order.customer_id if getattr(alert, "order_id", None) else None
    values = context.customer_values(customer_id) | {
        "alert.kind": alert.kind,
        "alert.metric": alert.metric,
        "alert.severity": alert.severity,
        "event": "alert",
    }
    services.fire(
        "alert", event="alert.created", event_id=f"alert:{alert_id}", context=values, customer_id=customer_id
    )
    return None


def scores_refreshed(as_of: Any) -> Work | None:
    """Scores were written for ``as_of``: after the commit, start the workflows of those whose
    score crossed a line, and remember everyone's scores (also when no workflow listens, so a
    new workflow compares with the last refresh, not an old one)."""

    def work() -> None:
        services.score_crossings(str(as_of))

    return work


def ticket_analysed(analysis: Any) -> Work | None:
    """A ticket's text analysis stored: the workflows waiting for that sentiment (once per
    ticket and sentiment)."""
    key = f"sentiment:{analysis.sentiment}"
    if key not in services.listening():
        return None
    ticket = Ticket.objects.filter(pk=analysis.source_id).first()
    if ticket is None:
        return None
    customer_id, values = context.build("ticket", ticket)
    values |= {
        "record.sentiment": analysis.sentiment,
        "record.sentiment_score": analysis.sentiment_score,
        "record.intent": analysis.intent,
        "record.urgency_level": analysis.urgency_level,
        "event": "ticket.sentiment",
    }
    services.fire(
        key,
        event="ticket.sentiment",
        event_id=f"ticket:{ticket.pk}:sentiment:{analysis.sentiment}",
        context=values,
        customer_id=customer_id,
    )
    return None
