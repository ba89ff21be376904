"""The outbound webhooks smartcrm publishes: when, and with what payload.

The handlers at the bottom are named in the domain apps' ``events.py`` (customers, orders,
support, insights; see :mod:`smartcrm.core.events`). Each runs inside the writer's transaction
and returns the publishing to run after the commit — when the row is complete (an order's lines
and totals are written after the order row) — or ``None`` if no active endpoint wants that
event type (a cached set), so imports and other bulk writers pay a cache read per row.
Each payload is (non-PII data, PII) from the committed row, read again after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Model

from smartcrm.customers.models import Customer
from smartcrm.integrations.outbound import is_wanted, publish
from smartcrm.orders.models import Order, Refund
from smartcrm.support.models import Ticket

Payload = tuple[dict[str, Any], dict[str, Any]]


def customer(obj: Customer) -> Payload:
    data = {
        "id": obj.pk,
        "kind": obj.kind,
        "city": obj.city,
        "region": obj.region,
        "country": obj.country,
        "language": obj.language,
        "source": obj.source,
        "orders_count": obj.orders_count,
        "total_spent": obj.total_spent,
        "created_at": obj.created_at,
        "external_ids": [f"{e.system}:{e.value}" for e in obj.external_ids.all()],
    }
    pii = {
        "name": obj.name,
        "first_name": obj.first_name,
        "last_name": obj.last_name,
        "company_name": obj.company_name,
        "email": obj.email,
        "phone": obj.phone,
        "street_address": obj.street_address,
        "postal_code": obj.postal_code,
    }
    return data, pii


def order(obj: Order) -> Payload:
    data = {
        "id": obj.pk,
        "number": obj.number,
        "external_id": obj.external_id,
        "customer_id": obj.customer_id,
        "status": obj.status,
        "channel": obj.channel,
        "currency": obj.currency,
        "subtotal": obj.subtotal,
        "discount_total": obj.discount_total,
        "shipping_total": obj.shipping_total,
        "total": obj.total,
        "placed_at": obj.placed_at,
        "lines": [
            {"product_id": line.product_id, "quantity": line.quantity, "line_total": line.line_total}
            for line in obj.lines.all()
        ],
    }
    return data, {}


def refund(obj: Refund) -> Payload:
    data = {
        "id": obj.pk,
        "order_id": obj.order_id,
        "line_id": obj.line_id,
        "kind": obj.kind,
        "quantity": obj.quantity,
        "amount": obj.amount,
        "created_at": obj.created_at,
    }
    return data, {"reason": obj.reason}


def ticket(obj: Ticket) -> Payload:
    data = {
        "id": obj.pk,
        "customer_id": obj.customer_id,
        "order_id": obj.order_id,
        "status": obj.status,
        "priority": obj.priority,
        "channel": obj.channel,
        "language": obj.language,
        "created_at": obj.created_at,
    }
    return data, {"subject": obj.subject}


def alert(obj: Any) -> Payload:
    """An insights alert: what, when, how bad. Its explanation and details are free-form (they
    may name a customer or an order's contents), so they count as PII."""
    data = {
        "id": obj.pk,
        "kind": obj.kind,
        "metric": obj.metric,
        "first_day": obj.first_day,
        "last_day": obj.last_day,
        "order_id": obj.order_id,
        "severity": obj.severity,
        "score": obj.score,
        "state": obj.state,
        "created_at": obj.created_at,
    }
    return data, {"explanation": obj.explanation, "details": obj.details}


# --- handlers ------------------------------------------------------------------------------

Work = Callable[[], None]


def _publish_later(
    event_type: str, model: type[Model], pk: Any, build: Callable[[Any], Payload]
) -> Work | None:
    """The publishing of ``event_type`` for the row ``pk`` as it is after the commit, or ``None``
    when no endpoint wants the event."""
    if not is_wanted(event_type):
        return None

    def send() -> None:
        fresh = model._default_manager.filter(pk=pk).first()
        if fresh is not None:
            data, pii = build(fresh)
            publish(event_type, data, pii=pii)

    return send


def customer_created(obj: Customer) -> Work | None:
    return _publish_later("customer.created", Customer, obj.pk, customer)


def customer_updated(obj: Customer) -> Work | None:
    return _publish_later("customer.updated", Customer, obj.pk, customer)


def order_created(obj: Order) -> Work | None:
    return _publish_later("order.created", Order, obj.pk, order)


def refund_created(obj: Refund) -> Work | None:
    return _publish_later("refund.created", Refund, obj.pk, refund)


def ticket_created(obj: Ticket) -> Work | None:
    return _publish_later("ticket.created", Ticket, obj.pk, ticket)


def alert_created(alert_id: int) -> Work | None:
    """An insights alert (that app is optional: its model is looked up by name)."""
    return _publish_later("alert.created", apps.get_model("insights", "Alert"), alert_id, alert)
