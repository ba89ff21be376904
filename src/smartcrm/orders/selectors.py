"""Reads of orders: the filtered list and one order with its lines and refunds.

The dashboard's sales figures live in :mod:`smartcrm.readmodels.dashboard`.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.orders.models import Order

ORDER_SORTS = {"newest": ("-placed_at", "-id"), "oldest": ("placed_at", "id"), "largest": ("-total", "-id")}


def filter_orders(
    *,
    customer_id: int | None = None,
    status: str = "",
    channel: str = "",
    placed_after: datetime | None = None,
    placed_before: datetime | None = None,
    search: str = "",
    sort: str = "newest",
) -> QuerySet[Order]:
    queryset = Order.objects.select_related("customer").only(
        "id",
        "number",
        "external_id",
        "status",
        "channel",
        "currency",
        "placed_at",
        "total",
        "refunded_total",
        "customer_id",
        "customer__name",
    )
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if status:
        queryset = queryset.filter(status=status)
    if channel:
        queryset = queryset.filter(channel=channel)
    if placed_after is not None:
        queryset = queryset.filter(placed_at__gte=placed_after)
    if placed_before is not None:
        queryset = queryset.filter(placed_at__lt=placed_before)
    if search:
        queryset = queryset.filter(Q(number=search) | Q(external_id=search))
    return queryset.order_by(*ORDER_SORTS.get(sort, ORDER_SORTS["newest"]))


def order_page(*, page: int = 1, size: int = 50, **filters: object) -> Page[Order]:
    return paginate(filter_orders(**filters), number=page, size=size)  # type: ignore[arg-type]


def get_order(order_id: int) -> Order:
    order = (
        Order.objects.select_related("customer")
        .prefetch_related("lines__product", "refunds")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFoundError(f"order {order_id}")
    return order
