"""Writes for orders: placing them, refunds and returns, and the customer totals they drive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.catalog.models import Product
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.moments import check_recorded
from smartcrm.customers.models import Customer
from smartcrm.orders import events
from smartcrm.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    Refund,
    RefundKind,
    SalesChannel,
)
from smartcrm.orders.rules import (
    EXCESS_DISCOUNT,
    customer_totals_select,
    customer_totals_update,
    line_gross,
    line_total,
    order_total,
    status_after_refund,
)


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: int
    unit_price: Decimal | None = None  # the product's price when omitted
    discount: Decimal = Decimal("0")


def _validate_lines(lines: list[LineInput]) -> dict[int, Product]:
    errors: dict[str, str] = {}
    if not lines:
        errors["lines"] = _("An order needs at least one line.")
    products = Product.objects.in_bulk([line.product_id for line in lines])
    for i, line in enumerate(lines):
        if line.product_id not in products:
            errors[f"lines[{i}].product_id"] = _("No product with id %(id)s.") % {"id": line.product_id}
        if line.quantity < 1:
            errors[f"lines[{i}].quantity"] = _("Quantity must be at least 1.")
        if line.unit_price is not None and line.unit_price < 0:
            errors[f"lines[{i}].unit_price"] = _("Price cannot be negative.")
        if line.discount < 0:
            errors[f"lines[{i}].discount"] = _("Discount cannot be negative.")
        product = products.get(line.product_id)
        price = line.unit_price if line.unit_price is not None else product.price if product else None
        if price is not None and line.quantity >= 1 and line.discount > line_gross(price, line.quantity):
            errors[f"lines[{i}].discount"] = EXCESS_DISCOUNT
    if errors:
        raise ServiceValidationError(errors)
    return products


@transaction.atomic
def create_order(
    *,
    actor: Actor,
    customer: Customer,
    lines: list[LineInput],
    number: str | None = None,
    external_id: str | None = None,
    status: str = OrderStatus.PAID,
    channel: str = SalesChannel.WEB,
    currency: str = "USD",
    placed_at: datetime | None = None,
    shipping_total: Decimal = Decimal("0"),
    promotion_code: str = "",
) -> Order:
    """Place an order with its lines, and update the customer's totals and timeline.

    A line's discount larger than its amount is refused (``rules.EXCESS_DISCOUNT``) on every
    path, an import's or a shop's webhook too: such an order is not recorded, and its row or
    delivery says why."""
    errors: dict[str, str] = {}
    if status not in OrderStatus.values:
        errors["status"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(OrderStatus.values)}
    if channel not in SalesChannel.values:
        errors["channel"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(SalesChannel.values)}
    if shipping_total < 0:
        errors["shipping_total"] = _("Cannot be negative.")
    if placed_at is not None:
        try:
            check_recorded(placed_at)
        except ValueError as exc:
            errors["placed_at"] = str(exc)
    if number and Order.objects.filter(number=number).exists():
        errors["number"] = _("An order with this number exists.")
    if external_id and Order.objects.filter(external_id=external_id).exists():
        errors["external_id"] = _("An order with this external id exists.")
    if errors:
        raise ServiceValidationError(errors)
    products = _validate_lines(lines)
    order = Order.objects.create(
        number=number or f"TMP-{timezone.now().timestamp()}",
        external_id=external_id or None,
        customer=customer,
        status=status,
        channel=channel,
        currency=currency.upper()[:3],
        placed_at=placed_at or timezone.now(),
        shipping_total=shipping_total,
        promotion_code=promotion_code[:40],
        ship_city=customer.city,
        ship_country=customer.country,
    )
    if not number:
        order.number = f"SO-{order.pk:08d}"
    built = []
    for line in lines:
        price = products[line.product_id].price if line.unit_price is None else line.unit_price
        built.append(
            OrderLine(
                order=order,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=price,
                discount=line.discount,
                line_total=line_total(price, line.quantity, line.discount),
            )
        )
    OrderLine.objects.bulk_create(built)
    order.subtotal = sum((line_gross(line.unit_price, line.quantity) for line in built), Decimal(0))
    order.discount_total = sum((line.discount for line in built), Decimal(0))
    order.total = order_total(sum((line.line_total for line in built), Decimal(0)), shipping_total)
    order.save(update_fields=["number", "subtotal", "discount_total", "total"])
    refresh_customer_totals([customer.pk])
    audit.record(actor, AuditAction.CREATE, order, changes={"total": str(order.total), "lines": len(built)})
    events.order_placed(order)
    return order


@transaction.atomic
def record_refund(
    *,
    actor: Actor,
    order: Order,
    amount: Decimal,
    kind: str = RefundKind.REFUND,
    reason: str = "",
    line: OrderLine | None = None,
    quantity: int = 0,
) -> Refund:
    """Give money back (and take goods back for a return); never more than was paid."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    errors: dict[str, str] = {}
    if kind not in RefundKind.values:
        errors["kind"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(RefundKind.values)}
    if amount <= 0:
        errors["amount"] = _("Must be positive.")
    elif order.refunded_total + amount > order.total:
        errors["amount"] = _("At most %(amount)s is left to refund.") % {
            "amount": order.total - order.refunded_total
        }
    if line is not None and line.order_id != order.pk:
        errors["line"] = _("That line belongs to another order.")
    if line is not None and quantity > line.quantity - line.returned_quantity:
        errors["quantity"] = _("More than was bought and not yet returned.")
    if errors:
        raise ServiceValidationError(errors)
    refund = Refund.objects.create(
        order=order,
        line=line,
        kind=kind,
        quantity=quantity,
        amount=amount,
        reason=reason[:200],
        created_at=timezone.now(),
    )
    if line is not None and quantity:
        line.returned_quantity += quantity
        line.save(update_fields=["returned_quantity"])
    order.refunded_total += amount
    order.status = status_after_refund(order.refunded_total, order.total)
    order.save(update_fields=["refunded_total", "status", "updated_at"])
    refresh_customer_totals([order.customer_id])
    audit.record(actor, AuditAction(kind), order, changes={"amount": str(amount), "reason": reason[:200]})
    events.refund_recorded(refund)
    return refund


def refresh_customer_totals(customer_ids: Iterable[int] | None = None) -> None:
    """Recompute orders count, net spend and first/last order dates in one set-based statement
    (the rule: ``orders.rules.customer_totals_select``).

    ``None`` refreshes every customer (after a bulk load); otherwise only the given ones. A
    customer without orders gets zeros.
    """
    ids = None if customer_ids is None else list(customer_ids)
    if ids is not None and not ids:
        return
    marks = None if ids is None else ", ".join(["%s"] * len(ids))
    totals, params = customer_totals_select(marks, ids or ())
    sql = customer_totals_update(
        f"{Customer._meta.db_table} AS c2 LEFT JOIN ({totals}) AS t ON t.customer_id = c2.id",
        "c.id = c2.id" + (f" AND c2.id IN ({marks})" if marks else ""),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + (ids or []))
