"""The payload of each event smartcrm publishes: (non-PII data, PII) from a saved row."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order, Refund
from smartcrm.support.models import Ticket

logger = logging.getLogger("smartcrm.integrations")

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
    """An insights alert: its id, kind and numbers; any text may quote customers, so it is PII."""
    data: dict[str, Any] = {"id": getattr(obj, "pk", None)}
    for name in (
        "kind",
        "severity",
        "metric",
        "value",
        "expected",
        "created_at",
        "customer_id",
        "product_id",
    ):
        if hasattr(obj, name):
            data[name] = getattr(obj, name)
    pii = {name: getattr(obj, name) for name in ("title", "message", "summary") if hasattr(obj, name)}
    return data, pii


def connect_alerts() -> None:
    """Publish ``alert.created`` through ``smartcrm.insights.services.on_alert_created(callback)``
    when that app is installed (it is built alongside; until then there is nothing to hook)."""
    try:
        insights = importlib.import_module("smartcrm.insights.services")
    except ImportError:
        return
    register = getattr(insights, "on_alert_created", None)
    if not callable(register):
        return

    def published(obj: Any, *args: Any, **kwargs: Any) -> None:
        from smartcrm.integrations.outbound import is_wanted, publish

        if is_wanted("alert.created"):
            data, pii = alert(obj)
            publish("alert.created", data, pii=pii)

    try:
        register(published)
    except TypeError:
        logger.warning("smartcrm.insights.services.on_alert_created takes no callback; alerts not published")
