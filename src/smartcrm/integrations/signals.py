"""Turn saves of customers, orders, refunds and tickets into outbound events.

A receiver only registers work for after the commit — when the row is complete (an order's
lines and totals are written after the order row) — and only if some active endpoint wants
that event type (a cached set), so imports and other bulk writers pay a cache read per save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from smartcrm.customers.models import Customer
from smartcrm.integrations import events, outbound
from smartcrm.integrations.models import WebhookEndpoint
from smartcrm.orders.models import Order, Refund
from smartcrm.support.models import Ticket

UID = "smartcrm.integrations.webhooks"


def _on_save(
    event_created: str,
    event_updated: str | None,
    build: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]],
) -> Callable[..., None]:
    def receiver(sender: type[Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
        event_type = event_created if created else event_updated
        if raw or event_type is None or not outbound.is_wanted(event_type):
            return
        pk, model = instance.pk, type(instance)

        def send() -> None:
            fresh = model._default_manager.filter(pk=pk).first()
            if fresh is not None:
                data, pii = build(fresh)
                outbound.publish(event_type, data, pii=pii)

        transaction.on_commit(send)

    return receiver


def connect() -> None:
    post_save.connect(
        _on_save("customer.created", "customer.updated", events.customer),
        sender=Customer,
        weak=False,
        dispatch_uid=f"{UID}.customer",
    )
    post_save.connect(
        _on_save("order.created", None, events.order), sender=Order, weak=False, dispatch_uid=f"{UID}.order"
    )
    post_save.connect(
        _on_save("refund.created", None, events.refund),
        sender=Refund,
        weak=False,
        dispatch_uid=f"{UID}.refund",
    )
    post_save.connect(
        _on_save("ticket.created", None, events.ticket),
        sender=Ticket,
        weak=False,
        dispatch_uid=f"{UID}.ticket",
    )
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(outbound.forget_wanted, sender=WebhookEndpoint, dispatch_uid=f"{UID}.endpoint.{name}")
    events.connect_alerts()
