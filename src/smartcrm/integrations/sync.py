"""Apply a parsed shop delivery to customers, products, orders and refunds through their services.

Every external record has a ``SyncedRecord`` holding the newest remote version applied; it is
locked while a delivery is applied, so two deliveries for one order never interleave, and an
update whose version is not newer is recorded as stale and changes nothing. Refunds are keyed by
their own id, so one seen in an order update and again as ``refunds/create`` lands once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from smartcrm.catalog.models import Product
from smartcrm.catalog.services import create_product
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pii import hash_for_lookup, normalise_email, normalise_phone
from smartcrm.customers.contact import CONTACT_FIELDS
from smartcrm.customers.models import Customer, ExternalId
from smartcrm.customers.services import create_customer, update_customer
from smartcrm.integrations.models import InboundStatus, Platform, ShopConnection, SyncedRecord
from smartcrm.integrations.payloads import (
    CUSTOMER,
    ORDER,
    REFUND,
    CustomerIn,
    LineIn,
    OrderIn,
    Parsed,
    RefundIn,
)
from smartcrm.orders.models import Order, OrderLine, OrderStatus, RefundKind
from smartcrm.orders.services import LineInput, create_order, record_refund, refresh_customer_totals

LINE = "line"
PREFIX: dict[str, str] = {Platform.SHOPIFY.value: "SH", Platform.WOOCOMMERCE.value: "WC"}

# A delivery's notes are kept in English and shown in the reader's language
# (smartcrm.integrations.wording).
CAPPED = gettext_noop("refund {refund}: capped at what is left to refund ({left})")
NOTHING_LEFT = gettext_noop("refund {refund}: nothing left to refund; not recorded")


@dataclass
class Outcome:
    status: str
    local_id: int | None = None
    notes: list[str] = field(default_factory=list)
    waiting_for: str = ""
    order_synced: str = ""  # the external order id now present: deliveries waiting for it can run


def actor_for(connection: ShopConnection) -> str:
    return f"webhook:{connection.external_system}"


def order_external_id(connection: ShopConnection, remote_id: str) -> str:
    return f"{connection.external_system}:{remote_id}"


def apply(connection: ShopConnection, parsed: Parsed) -> Outcome:
    """Apply one delivery in one transaction; ServiceValidationError leaves nothing behind."""
    with transaction.atomic():
        if parsed.resource == ORDER and parsed.order is not None:
            return _apply_order(connection, parsed.order)
        if parsed.resource == CUSTOMER and parsed.customer is not None:
            return _apply_customer_delivery(connection, parsed.customer)
        if parsed.resource == REFUND and parsed.refund is not None:
            return _apply_refund(connection, parsed.refund, None)
    raise ServiceValidationError({"__all__": gettext_noop("Nothing to apply.")})


def _lock(connection: ShopConnection, resource: str, external_id: str) -> SyncedRecord:
    query = SyncedRecord.objects.select_for_update().filter(
        connection=connection, resource=resource, external_id=external_id
    )
    record = query.first()
    if record is not None:
        return record
    try:
        with transaction.atomic():
            return SyncedRecord.objects.create(
                connection=connection, resource=resource, external_id=external_id
            )
    except IntegrityError:  # another worker created it first; wait for its lock
        return query.get()


def _is_newer(record: SyncedRecord, version: datetime | None) -> bool:
    return record.remote_updated_at is None or version is None or version > record.remote_updated_at


# --- customers --------------------------------------------------------------------------------


def _customer_values(connection: ShopConnection, data: CustomerIn, notes: list[str]) -> dict[str, Any]:
    # Phone and country are checked below; a shop's bad value is noted, never stored.
    names = ("first_name", "last_name", "company_name", *CONTACT_FIELDS)
    values: dict[str, Any] = {name: getattr(data, name) for name in names if name not in ("phone", "country")}
    if data.phone:
        try:
            values["phone"] = normalise_phone(data.phone, connection.default_region)
        except ValueError:
            notes.append(gettext_noop("customer.phone: not a valid phone number; not stored"))
    if data.country:
        if len(data.country) == 2 and data.country.isalpha():
            values["country"] = data.country
        else:
            notes.append(gettext_noop("customer.country: not a two-letter code; not stored"))
    # Only what the shop sent: an empty field never erases what smartcrm knows from elsewhere.
    return {k: v for k, v in values.items() if v}


def _find_customer(connection: ShopConnection, data: CustomerIn) -> tuple[Customer | None, bool]:
    """By the shop's id first, then by the email's keyed hash; True when found by id."""
    if data.external_id:
        link = (
            ExternalId.objects.select_related("customer")
            .filter(system=connection.external_system, value=data.external_id)
            .first()
        )
        if link is not None:
            return link.customer, True
    if data.email:
        found = Customer.objects.filter(email_hash=hash_for_lookup(normalise_email(data.email))).order_by(
            "id"
        )
        return found.first(), False
    return None, False


def _upsert_customer(
    connection: ShopConnection, data: CustomerIn, notes: list[str], *, update_existing: bool
) -> Customer:
    actor = actor_for(connection)
    values = _customer_values(connection, data, notes)
    customer, by_id = _find_customer(connection, data)
    if customer is None:
        if not (values.get("first_name") or values.get("last_name") or values.get("company_name")):
            values["last_name"] = (
                f"{connection.get_platform_display()} customer {data.external_id or '(guest)'}"
            )
        external = (connection.external_system, data.external_id) if data.external_id else None
        return create_customer(actor=actor, values={**values, "source": "web"}, external_id=external)
    if data.external_id and not by_id:
        ExternalId.objects.get_or_create(
            system=connection.external_system, value=data.external_id, defaults={"customer": customer}
        )
        audit.record(
            actor, AuditAction.LINK_EXTERNAL_ID, customer, changes={"system": connection.external_system}
        )
    if update_existing and values:
        update_customer(actor=actor, customer=customer, values=values)
    return customer


def _apply_customer_delivery(connection: ShopConnection, data: CustomerIn) -> Outcome:
    record = _lock(connection, CUSTOMER, data.external_id)
    if not _is_newer(record, data.updated_at):
        return Outcome(InboundStatus.STALE, record.local_id, ["an equal or newer version is stored"])
    notes: list[str] = []
    customer = _upsert_customer(connection, data, notes, update_existing=True)
    record.remote_updated_at, record.local_id = data.updated_at, customer.pk
    record.save(update_fields=["remote_updated_at", "local_id", "updated_at"])
    return Outcome(InboundStatus.PROCESSED, customer.pk, notes)


# --- orders -----------------------------------------------------------------------------------


def _product_for(connection: ShopConnection, line: LineIn, currency: str) -> Product:
    """The product with the line's SKU; a line without one gets ``<system>-<product id>``."""
    sku = line.sku or f"{connection.external_system}-{line.product_external_id or 'line-' + line.external_id}"
    sku = sku[:64]
    product = Product.objects.filter(sku=sku).first()
    if product is not None:
        return product
    values = {"sku": sku, "name": (line.name or sku)[:200], "price": line.unit_price, "currency": currency}
    return create_product(actor=actor_for(connection), values=values)


def _order_number(connection: ShopConnection, data: OrderIn) -> str | None:
    number = f"{PREFIX[connection.platform]}{connection.pk}-{data.number or data.external_id}"[:40]
    return None if Order.objects.filter(number=number).exists() else number


def _create_order(connection: ShopConnection, data: OrderIn, notes: list[str]) -> Order:
    customer = _upsert_customer(connection, data.customer, notes, update_existing=False)
    currency = data.currency or connection.default_currency
    lines = [
        LineInput(
            product_id=_product_for(connection, line, currency).pk,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,  # more than the line is refused: the delivery fails, saying so
        )
        for line in data.lines
    ]
    order = create_order(
        actor=actor_for(connection),
        customer=customer,
        lines=lines,
        number=_order_number(connection, data),
        external_id=order_external_id(connection, data.external_id),
        status=data.status or OrderStatus.PAID,
        currency=currency,
        placed_at=data.placed_at,
        shipping_total=max(data.shipping_total, Decimal(0)),
        promotion_code=data.promotion_code,
    )
    # Remember which of our lines is which remote line: refunds name the remote one.
    created = list(order.lines.order_by("id").values_list("id", flat=True))
    SyncedRecord.objects.bulk_create(
        [
            SyncedRecord(connection=connection, resource=LINE, external_id=line.external_id, local_id=pk)
            for line, pk in zip(data.lines, created, strict=True)
        ],
        ignore_conflicts=True,
    )
    return order


def _set_status(connection: ShopConnection, order: Order, status: str | None) -> None:
    if status is None or status == order.status:
        return
    refunded = (OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)
    if order.status in refunded and status != OrderStatus.CANCELLED:
        return  # our recorded refunds decide between paid and (partially) refunded
    old = order.status
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    refresh_customer_totals([order.customer_id])
    audit.record(
        actor_for(connection), AuditAction.UPDATE, order, changes={"status": {"from": old, "to": status}}
    )


def _apply_order(connection: ShopConnection, data: OrderIn) -> Outcome:
    record = _lock(connection, ORDER, data.external_id)
    if not _is_newer(record, data.updated_at):
        return Outcome(InboundStatus.STALE, record.local_id, ["an equal or newer version is stored"])
    notes: list[str] = []
    order = Order.objects.filter(external_id=order_external_id(connection, data.external_id)).first()
    if order is None:
        order = _create_order(connection, data, notes)
    else:
        _set_status(connection, order, data.status)
    for refund in data.refunds:
        outcome = _apply_refund(connection, refund, order)
        notes.extend(outcome.notes)
    record.remote_updated_at, record.local_id = data.updated_at, order.pk
    record.save(update_fields=["remote_updated_at", "local_id", "updated_at"])
    return Outcome(InboundStatus.PROCESSED, order.pk, notes, order_synced=data.external_id)


# --- refunds ----------------------------------------------------------------------------------


def _apply_refund(connection: ShopConnection, data: RefundIn, order: Order | None) -> Outcome:
    record = _lock(connection, REFUND, data.external_id)
    if record.local_id is not None:
        return Outcome(
            InboundStatus.PROCESSED, record.local_id, [f"refund {data.external_id}: already recorded"]
        )
    if order is None:
        order = Order.objects.filter(
            external_id=order_external_id(connection, data.order_external_id)
        ).first()
        if order is None:  # the refund overtook its order: run it again once the order is in
            return Outcome(InboundStatus.WAITING, waiting_for=data.order_external_id)
    order.refresh_from_db(fields=["total", "refunded_total", "status"])
    notes: list[str] = []
    amount = data.amount
    left = order.total - order.refunded_total
    if amount > left:
        # Shop totals include taxes that smartcrm's order totals leave out.
        notes.append(CAPPED.format(refund=data.external_id, left=left))
        amount = left
    if amount <= 0:
        notes.append(NOTHING_LEFT.format(refund=data.external_id))
        record.local_id = 0
        record.save(update_fields=["local_id", "updated_at"])
        return Outcome(InboundStatus.PROCESSED, None, notes)
    line = None
    if data.line_external_id:
        link = SyncedRecord.objects.filter(
            connection=connection, resource=LINE, external_id=data.line_external_id
        ).first()
        if link is not None and link.local_id is not None:
            line = OrderLine.objects.filter(pk=link.local_id, order=order).first()
    returned = data.quantity if line is not None and data.is_return else 0
    if line is not None:
        returned = min(returned, line.quantity - line.returned_quantity)
    refund = record_refund(
        actor=actor_for(connection),
        order=order,
        amount=amount,
        kind=RefundKind.RETURN if returned else RefundKind.REFUND,
        reason=data.reason,
        line=line,
        quantity=returned,
    )
    record.local_id = refund.pk
    record.save(update_fields=["local_id", "updated_at"])
    return Outcome(InboundStatus.PROCESSED, refund.pk, notes)
