"""Orders with their lines, and refunds or returns against them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS, renamed_fields
from smartcrm.api.schemas import (
    Currency,
    Id,
    Money,
    PageMeta,
    PageQuery,
    Recorded,
    Text40,
    Text120,
    Text200,
    When,
    page_response,
    referenced,
)
from smartcrm.catalog.selectors import prices
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.selectors import get_customer
from smartcrm.orders import selectors, services
from smartcrm.orders.models import Order, OrderStatus, RefundKind, SalesChannel

router = Router(tags=["orders"])

# An order's money columns hold 14 digits; one order stays far below, so that a customer's
# summed spend (same width) cannot overflow either.
MAX_ORDER_TOTAL = Decimal("9999999999.99")
Quantity = Annotated[int, Field(le=100_000, description="At least 1")]


class OrderQuery(PageQuery):
    customer_id: Id | None = None
    status: OrderStatus | None = None
    channel: SalesChannel | None = None
    placed_after: When | None = Field(None, description="Placed at or after (ISO 8601)")
    placed_before: When | None = Field(None, description="Placed before (ISO 8601)")
    search: Text120 = Field("", description="Exact order number or external id")
    sort: Literal["newest", "oldest", "largest"] = "newest"


class OrderSummaryOut(Schema):
    id: int
    number: str
    external_id: str | None
    status: str
    channel: str
    currency: str
    placed_at: datetime
    total: Decimal
    refunded_total: Decimal
    customer_id: int
    customer_name: str

    @staticmethod
    def resolve_customer_name(obj: Order) -> str:
        return obj.customer.name


class OrderPage(PageMeta):
    items: list[OrderSummaryOut]


class OrderLineOut(Schema):
    id: int
    product_id: int
    product_name: str
    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    returned_quantity: int

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.product.name)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)


class RefundOut(Schema):
    id: int
    kind: str
    amount: Decimal
    quantity: int
    reason: str
    line_id: int | None
    created_at: datetime


class OrderOut(OrderSummaryOut):
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    promotion_code: str
    ship_city: str
    ship_country: str
    promised_delivery_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[OrderLineOut]
    refunds: list[RefundOut]

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_refunds(obj: Order) -> list[Any]:
        return list(obj.refunds.all())


class LineIn(Schema):
    product_id: Id
    quantity: Quantity
    unit_price: Money | None = Field(None, description="The product's current price when omitted")
    discount: Money = Decimal("0")


class OrderIn(Schema):
    customer_id: Id
    lines: list[LineIn] = Field(max_length=500)
    number: Text40 | None = Field(None, description="Assigned (SO-00000042) when omitted")
    external_id: Text120 | None = None
    status: OrderStatus = OrderStatus.PAID
    channel: SalesChannel = SalesChannel.WEB
    currency: Currency = "USD"
    placed_at: Recorded | None = Field(None, description="Now when omitted")
    shipping_total: Money = Decimal("0")
    promotion_code: Text40 = ""


class RefundIn(Schema):
    amount: Money
    kind: RefundKind = RefundKind.REFUND
    reason: Text200 = ""
    line_id: Id | None = Field(None, description="The line returned (for a return of goods)")
    quantity: int = Field(0, ge=0, le=100_000, description="Items taken back with a return")


def _check_total(payload: OrderIn) -> None:
    """Refuse an order whose total would not fit its column (a clear 422 instead of a 500)."""
    known = prices([line.product_id for line in payload.lines])
    total = payload.shipping_total + sum(
        (
            (line.unit_price if line.unit_price is not None else known.get(line.product_id, Decimal(0)))
            * max(line.quantity, 0)
            for line in payload.lines
        ),
        Decimal(0),
    )
    if total > MAX_ORDER_TOTAL:
        raise ServiceValidationError({"lines": f"The order total cannot exceed {MAX_ORDER_TOTAL}."})


@router.get("", response={200: OrderPage, **READ_ERRORS}, summary="List orders")
@needs(Capability.VIEW_ORDERS)
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> dict[str, Any]:
    page = selectors.order_page(
        page=query.page,
        size=query.page_size,
        **query.model_dump(exclude={"page", "page_size"}, exclude_none=True),
    )
    return page_response(page)


@router.post("", response={201: OrderOut, **CREATE_ERRORS}, summary="Create an order with its lines")
@needs(Capability.EDIT_ORDERS)
def create_order(request: HttpRequest, payload: OrderIn) -> Status:
    """Prices default to the products' own; the customer's totals and timeline are updated."""
    user = require_user(request)
    customer = referenced(get_customer, payload.customer_id, "customer_id")
    _check_total(payload)
    order = services.create_order(
        actor=user,
        customer=customer,
        lines=[services.LineInput(**line.model_dump()) for line in payload.lines],
        number=payload.number,
        external_id=payload.external_id,
        status=payload.status,
        channel=payload.channel,
        currency=payload.currency,
        placed_at=payload.placed_at,
        shipping_total=payload.shipping_total,
        promotion_code=payload.promotion_code,
    )
    return Status(201, selectors.get_order(order.pk))


@router.get("/{order_id}", response={200: OrderOut, **ONE_ERRORS}, summary="Get an order with its lines")
@needs(Capability.VIEW_ORDERS)
def get_order(request: HttpRequest, order_id: Id) -> Any:
    return selectors.get_order(order_id)


@router.post(
    "/{order_id}/refunds",
    response={201: RefundOut, **WRITE_ERRORS},
    summary="Record a refund or a return on an order",
)
@needs(Capability.EDIT_ORDERS)
def record_refund(request: HttpRequest, order_id: Id, payload: RefundIn) -> Status:
    """Never more than is left to refund; a return names the line and the quantity taken back."""
    user = require_user(request)
    order = selectors.get_order(order_id)
    line = None
    if payload.line_id is not None:
        line = next((x for x in order.lines.all() if x.pk == payload.line_id), None)
        if line is None:
            raise ServiceValidationError({"line_id": f"Order {order.number} has no line {payload.line_id}."})
    with renamed_fields({"line": "line_id"}):
        refund = services.record_refund(
            actor=user,
            order=order,
            amount=payload.amount,
            kind=payload.kind,
            reason=payload.reason,
            line=line,
            quantity=payload.quantity,
        )
    return Status(201, refund)
