"""The payload of each event smartcrm publishes: (non-PII data, PII) from a saved row."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from smartcrm.customers.models import Customer
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


def _alert_created(sender: Any, alert_id: int, **kwargs: Any) -> None:
    from smartcrm.integrations.outbound import is_wanted, publish

    if not is_wanted("alert.created"):
        return
    found = apps.get_model("insights", "Alert")._default_manager.filter(pk=alert_id).first()
    if found is not None:
        data, pii = alert(found)
        publish("alert.created", data, pii=pii)


def connect_alerts() -> None:
    """Publish ``alert.created`` when ``smartcrm.insights`` is installed: its
    ``services.on_alert_created(alert_id)`` sends ``insights.signals.alert_created`` after the
    alert's transaction commits."""
    if not apps.is_installed("smartcrm.insights"):
        return
    try:
        signals = importlib.import_module("smartcrm.insights.signals")
    except ImportError:
        return
    signals.alert_created.connect(_alert_created, dispatch_uid="smartcrm.integrations.webhooks.alert")
