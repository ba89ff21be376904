"""Reads for the integrations pages and API: connections, endpoints and both delivery logs.

Lists never read the encrypted columns (secrets, payloads): ``defer`` keeps them out.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.integrations.models import (
    InboundDelivery,
    OutboundDelivery,
    ShopConnection,
    WebhookEndpoint,
)


def connections() -> list[ShopConnection]:
    return list(ShopConnection.objects.defer("secret").order_by("platform", "shop_domain"))


def endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.defer("secret").order_by("name", "id"))


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFoundError(f"endpoint {endpoint_id}")
    return endpoint


def outbound_page(
    *, page: int = 1, size: int = 50, endpoint_id: int | None = None, status: str = "", event_type: str = ""
) -> Page[OutboundDelivery]:
    query: QuerySet[OutboundDelivery] = OutboundDelivery.objects.select_related("endpoint", "event").defer(
        "endpoint__secret", "event__pii"
    )
    if endpoint_id:
        query = query.filter(endpoint_id=endpoint_id)
    if status:
        query = query.filter(status=status)
    if event_type:
        query = query.filter(event__event_type=event_type)
    return paginate(query.order_by("-created_at", "-id"), number=page, size=size)


def get_outbound(delivery_id: int) -> OutboundDelivery:
    delivery = OutboundDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFoundError(f"delivery {delivery_id}")
    return delivery


def inbound_page(
    *, page: int = 1, size: int = 50, connection_id: int | None = None, status: str = "", topic: str = ""
) -> Page[InboundDelivery]:
    query: QuerySet[InboundDelivery] = InboundDelivery.objects.select_related("connection").defer(
        "payload", "connection__secret"
    )
    if connection_id:
        query = query.filter(connection_id=connection_id)
    if status:
        query = query.filter(status=status)
    if topic:
        query = query.filter(topic=topic)
    return paginate(query.order_by("-received_at", "-id"), number=page, size=size)


def get_inbound(delivery_id: int) -> InboundDelivery:
    delivery = InboundDelivery.objects.select_related("connection").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFoundError(f"inbound delivery {delivery_id}")
    return delivery


def overview() -> dict[str, Any]:
    """What the integrations page shows at a glance."""
    return {
        "connections": connections(),
        "endpoints": endpoints(),
    }
