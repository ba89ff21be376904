"""Shopify and WooCommerce webhook bodies read into one shape, with an error per missing or bad
field (its path in the payload, never its value).

Both platforms send the whole resource on every event, so an ``update`` can create what an
earlier, lost ``create`` would have, and the version (Shopify ``updated_at``, WooCommerce
``date_modified_gmt``) says which of two deliveries is newer.

Deliveries are read where no reader's language is known (a shop's request, a worker), so the
errors are kept in English, their templates marked with ``gettext_noop``; the pages and the API
show them in the reader's language (:mod:`smartcrm.integrations.wording`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations.models import Platform
from smartcrm.orders.models import OrderStatus

MAX_MONEY = Decimal("9999999999.99")
MAX_LINES = 1000

ORDER, CUSTOMER, REFUND = "order", "customer", "refund"

# topic → resource; any other topic is answered 200 and recorded as ignored.
TOPICS: dict[str, dict[str, str]] = {
    Platform.SHOPIFY: {
        "orders/create": ORDER,
        "orders/updated": ORDER,
        "orders/paid": ORDER,
        "orders/cancelled": ORDER,
        "customers/create": CUSTOMER,
        "customers/update": CUSTOMER,
        "refunds/create": REFUND,
    },
    Platform.WOOCOMMERCE: {
        "order.created": ORDER,
        "order.updated": ORDER,
        "customer.created": CUSTOMER,
        "customer.updated": CUSTOMER,
    },
}


@dataclass(frozen=True)
class CustomerIn:
    external_id: str  # "" for a guest checkout
    updated_at: datetime | None
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    phone: str = ""
    street_address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class LineIn:
    external_id: str
    sku: str
    product_external_id: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal


@dataclass(frozen=True)
class RefundIn:
    external_id: str
    order_external_id: str
    amount: Decimal
    reason: str = ""
    line_external_id: str = ""
    quantity: int = 0
    is_return: bool = False


@dataclass(frozen=True)
class OrderIn:
    external_id: str
    number: str
    updated_at: datetime | None
    placed_at: datetime
    status: str | None  # None: the platform says "refunded"; our refunds decide the status
    currency: str
    shipping_total: Decimal
    promotion_code: str
    customer: CustomerIn
    lines: list[LineIn]
    refunds: list[RefundIn] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    resource: str
    external_id: str
    updated_at: datetime | None
    order: OrderIn | None = None
    customer: CustomerIn | None = None
    refund: RefundIn | None = None


class Reader:
    """Reads typed values out of a JSON object and collects field errors by path."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def obj(self, data: Any, key: str, path: str, *, required: bool = False) -> dict[str, Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            if required:
                self.fail(path, gettext_noop("This field is required."))
            return {}
        if not isinstance(value, dict):
            self.fail(path, gettext_noop("Must be an object."))
            return {}
        return value

    def items(self, data: dict[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, gettext_noop("Must be a list."))
            return []
        if len(value) > MAX_LINES:
            self.fail(path, gettext_noop("At most {limit} items.").format(limit=MAX_LINES))
            return []
        return value

    def ident(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "" or value == 0:
            if required:
                self.fail(path, gettext_noop("This field is required."))
            return ""
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.fail(path, gettext_noop("Must be an id (a number or a string)."))
            return ""
        text = str(value).strip()
        if len(text) > 60:
            self.fail(path, gettext_noop("At most {limit} characters.").format(limit=60))
            return ""
        return text

    def text(self, data: dict[str, Any], key: str, path: str, *, limit: int = 200) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(path, gettext_noop("Must be text."))
            return ""
        if "\x00" in value:
            self.fail(path, gettext_noop("Text cannot contain NUL characters."))
            return ""
        return value.strip()[:limit]

    def money(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> Decimal:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, gettext_noop("This field is required."))
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(path, gettext_noop("Must be an amount."))
            return Decimal(0)
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(path, gettext_noop("Must be an amount."))
            return Decimal(0)
        if not amount.is_finite() or abs(amount) > MAX_MONEY:
            self.fail(path, gettext_noop("Must be at most {limit} in size.").format(limit=MAX_MONEY))
            return Decimal(0)
        return amount.quantize(Decimal("0.01"))

    def count(self, data: dict[str, Any], key: str, path: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            self.fail(path, gettext_noop("Must be a whole number from 1 to 100000."))
            return 1
        return value

    def when(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 timestamp; one without an offset is UTC (WooCommerce's ``*_gmt`` fields)."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, gettext_noop("This field is required."))
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.fail(path, gettext_noop("Must be an ISO 8601 date and time."))
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ServiceValidationError(self.errors)


def parse(platform: str, topic: str, payload: Any) -> Parsed:
    """Read a verified delivery's JSON; raise ServiceValidationError with the bad fields."""
    resource = TOPICS[platform][topic]
    if not isinstance(payload, dict):
        raise ServiceValidationError({"__all__": gettext_noop("The body must be a JSON object.")})
    reader = Reader()
    shopify = platform == Platform.SHOPIFY
    if resource == ORDER:
        order = (_shopify_order if shopify else _woo_order)(reader, payload)
        reader.raise_if_any()
        return Parsed(ORDER, order.external_id, order.updated_at, order=order)
    if resource == CUSTOMER:
        customer = (_shopify_customer if shopify else _woo_customer)(reader, payload, "", required=True)
        reader.raise_if_any()
        return Parsed(CUSTOMER, customer.external_id, customer.updated_at, customer=customer)
    refund = _shopify_refund(reader, payload, "", order_id=None)
    reader.raise_if_any()
    return Parsed(REFUND, refund.external_id, None, refund=refund)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# --- Shopify (REST Admin API resources, as sent by webhooks) ---------------------------------


def _shopify_customer(reader: Reader, data: dict[str, Any], prefix: str, *, required: bool) -> CustomerIn:
    address = reader.obj(data, "default_address", _join(prefix, "default_address"))
    return CustomerIn(
        external_id=reader.ident(data, "id", _join(prefix, "id"), required=required),
        updated_at=reader.when(data, "updated_at", _join(prefix, "updated_at"), required=required),
        email=reader.text(data, "email", _join(prefix, "email")),
        first_name=reader.text(data, "first_name", _join(prefix, "first_name"), limit=100),
        last_name=reader.text(data, "last_name", _join(prefix, "last_name"), limit=100),
        phone=reader.text(data, "phone", _join(prefix, "phone"), limit=40)
        or reader.text(address, "phone", _join(prefix, "default_address.phone"), limit=40),
        **_shopify_address(reader, address, _join(prefix, "default_address")),
    )


def _shopify_address(reader: Reader, address: dict[str, Any], path: str) -> dict[str, str]:
    street = ", ".join(
        p
        for p in (
            reader.text(address, "address1", f"{path}.address1"),
            reader.text(address, "address2", f"{path}.address2"),
        )
        if p
    )
    return {
        "company_name": reader.text(address, "company", f"{path}.company"),
        "street_address": street,
        "city": reader.text(address, "city", f"{path}.city", limit=100),
        "region": reader.text(address, "province", f"{path}.province", limit=100),
        "postal_code": reader.text(address, "zip", f"{path}.zip", limit=20),
        "country": reader.text(address, "country_code", f"{path}.country_code", limit=2).upper(),
    }


def _shopify_status(financial: str, fulfillment: str, cancelled: bool) -> str | None:
    if cancelled or financial == "voided":
        return OrderStatus.CANCELLED
    if financial in ("refunded", "partially_refunded"):
        return None
    if financial in ("paid",):
        return OrderStatus.SHIPPED if fulfillment == "fulfilled" else OrderStatus.PAID
    return OrderStatus.PENDING


def _shopify_order(reader: Reader, data: dict[str, Any]) -> OrderIn:
    order_id = reader.ident(data, "id", "id")
    customer_data = reader.obj(data, "customer", "customer")
    if customer_data:
        customer = _shopify_customer(reader, customer_data, "customer", required=False)
    else:  # a guest checkout: the order's email and billing address
        billing = reader.obj(data, "billing_address", "billing_address")
        customer = CustomerIn(
            external_id="",
            updated_at=None,
            email=reader.text(data, "email", "email"),
            first_name=reader.text(billing, "first_name", "billing_address.first_name", limit=100),
            last_name=reader.text(billing, "last_name", "billing_address.last_name", limit=100),
            phone=reader.text(billing, "phone", "billing_address.phone", limit=40),
            **_shopify_address(reader, billing, "billing_address"),
        )
    lines = []
    raw_lines = reader.items(data, "line_items", "line_items")
    if not raw_lines and "line_items" not in reader.errors:
        reader.fail("line_items", gettext_noop("An order needs at least one line."))
    for i, raw in enumerate(raw_lines):
        path = f"line_items[{i}]"
        if not isinstance(raw, dict):
            reader.fail(path, gettext_noop("Must be an object."))
            continue
        lines.append(
            LineIn(
                external_id=reader.ident(raw, "id", f"{path}.id"),
                sku=reader.text(raw, "sku", f"{path}.sku", limit=64),
                product_external_id=reader.ident(raw, "variant_id", f"{path}.variant_id", required=False)
                or reader.ident(raw, "product_id", f"{path}.product_id", required=False),
                name=reader.text(raw, "title", f"{path}.title") or reader.text(raw, "name", f"{path}.name"),
                quantity=reader.count(raw, "quantity", f"{path}.quantity"),
                unit_price=reader.money(raw, "price", f"{path}.price", required=True),
                discount=reader.money(raw, "total_discount", f"{path}.total_discount"),
            )
        )
    shipping = reader.obj(
        reader.obj(data, "total_shipping_price_set", "total_shipping_price_set"),
        "shop_money",
        "total_shipping_price_set.shop_money",
    )
    codes = [c for c in reader.items(data, "discount_codes", "discount_codes") if isinstance(c, dict)]
    refunds = [
        _shopify_refund(reader, raw, f"refunds[{i}]", order_id=order_id)
        for i, raw in enumerate(reader.items(data, "refunds", "refunds"))
        if isinstance(raw, dict)
    ]
    created = reader.when(data, "created_at", "created_at", required=True)
    return OrderIn(
        external_id=order_id,
        number=reader.text(data, "order_number", "order_number", limit=30)
        or reader.text(data, "name", "name", limit=30).lstrip("#"),
        updated_at=reader.when(data, "updated_at", "updated_at", required=True),
        placed_at=reader.when(data, "processed_at", "processed_at") or created or datetime.now(UTC),
        status=_shopify_status(
            reader.text(data, "financial_status", "financial_status", limit=40),
            reader.text(data, "fulfillment_status", "fulfillment_status", limit=40),
            bool(data.get("cancelled_at")),
        ),
        currency=reader.text(data, "currency", "currency", limit=3).upper(),
        shipping_total=reader.money(shipping, "amount", "total_shipping_price_set.shop_money.amount"),
        promotion_code=reader.text(codes[0], "code", "discount_codes[0].code", limit=40) if codes else "",
        customer=customer,
        lines=lines,
        refunds=refunds,
    )


def _shopify_refund(reader: Reader, data: dict[str, Any], prefix: str, *, order_id: str | None) -> RefundIn:
    refund_id = reader.ident(data, "id", _join(prefix, "id"))
    own_order = reader.ident(data, "order_id", _join(prefix, "order_id"), required=order_id is None)
    amount = Decimal(0)
    transactions = reader.items(data, "transactions", _join(prefix, "transactions"))
    for i, tx in enumerate(transactions):
        if isinstance(tx, dict) and tx.get("kind") == "refund" and tx.get("status") in ("success", None):
            amount += reader.money(tx, "amount", _join(prefix, f"transactions[{i}].amount"))
    items = [
        x
        for x in reader.items(data, "refund_line_items", _join(prefix, "refund_line_items"))
        if isinstance(x, dict)
    ]
    if not transactions:  # a refund without a money movement: the lines' subtotals
        for i, item in enumerate(items):
            amount += reader.money(item, "subtotal", _join(prefix, f"refund_line_items[{i}].subtotal"))
    line_id, quantity, is_return = "", 0, False
    if len(items) == 1:
        line_id = reader.ident(items[0], "line_item_id", _join(prefix, "refund_line_items[0].line_item_id"))
        quantity = reader.count(items[0], "quantity", _join(prefix, "refund_line_items[0].quantity"))
        is_return = items[0].get("restock_type") == "return"
    return RefundIn(
        external_id=refund_id,
        order_external_id=own_order or order_id or "",
        amount=amount,
        reason=reader.text(data, "note", _join(prefix, "note")),
        line_external_id=line_id,
        quantity=quantity,
        is_return=is_return,
    )


# --- WooCommerce (REST API v3 resources, as sent by webhooks) -------------------------------

WOO_STATUS = {
    "pending": OrderStatus.PENDING,
    "on-hold": OrderStatus.PENDING,
    "failed": OrderStatus.PENDING,
    "checkout-draft": OrderStatus.PENDING,
    "processing": OrderStatus.PAID,
    "completed": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "trash": OrderStatus.CANCELLED,
    "refunded": None,
}


def _woo_version(reader: Reader, data: dict[str, Any], prefix: str, *, required: bool) -> datetime | None:
    if data.get("date_modified_gmt"):
        return reader.when(data, "date_modified_gmt", _join(prefix, "date_modified_gmt"))
    return reader.when(data, "date_modified", _join(prefix, "date_modified"), required=required)


def _woo_contact(reader: Reader, billing: dict[str, Any], path: str) -> dict[str, str]:
    street = ", ".join(
        p
        for p in (
            reader.text(billing, "address_1", f"{path}.address_1"),
            reader.text(billing, "address_2", f"{path}.address_2"),
        )
        if p
    )
    return {
        "company_name": reader.text(billing, "company", f"{path}.company"),
        "phone": reader.text(billing, "phone", f"{path}.phone", limit=40),
        "street_address": street,
        "city": reader.text(billing, "city", f"{path}.city", limit=100),
        "region": reader.text(billing, "state", f"{path}.state", limit=100),
        "postal_code": reader.text(billing, "postcode", f"{path}.postcode", limit=20),
        "country": reader.text(billing, "country", f"{path}.country", limit=2).upper(),
    }


def _woo_customer(reader: Reader, data: dict[str, Any], prefix: str, *, required: bool) -> CustomerIn:
    billing = reader.obj(data, "billing", _join(prefix, "billing"))
    return CustomerIn(
        external_id=reader.ident(data, "id", _join(prefix, "id"), required=required),
        updated_at=_woo_version(reader, data, prefix, required=required),
        email=reader.text(data, "email", _join(prefix, "email"))
        or reader.text(billing, "email", _join(prefix, "billing.email")),
        first_name=reader.text(data, "first_name", _join(prefix, "first_name"), limit=100)
        or reader.text(billing, "first_name", _join(prefix, "billing.first_name"), limit=100),
        last_name=reader.text(data, "last_name", _join(prefix, "last_name"), limit=100)
        or reader.text(billing, "last_name", _join(prefix, "billing.last_name"), limit=100),
        **_woo_contact(reader, billing, _join(prefix, "billing")),
    )


def _woo_order(reader: Reader, data: dict[str, Any]) -> OrderIn:
    order_id = reader.ident(data, "id", "id")
    billing = reader.obj(data, "billing", "billing")
    customer = CustomerIn(
        external_id=reader.ident(data, "customer_id", "customer_id", required=False),  # 0 = guest
        updated_at=None,
        email=reader.text(billing, "email", "billing.email"),
        first_name=reader.text(billing, "first_name", "billing.first_name", limit=100),
        last_name=reader.text(billing, "last_name", "billing.last_name", limit=100),
        **_woo_contact(reader, billing, "billing"),
    )
    lines = []
    raw_lines = reader.items(data, "line_items", "line_items")
    if not raw_lines and "line_items" not in reader.errors:
        reader.fail("line_items", gettext_noop("An order needs at least one line."))
    for i, raw in enumerate(raw_lines):
        path = f"line_items[{i}]"
        if not isinstance(raw, dict):
            reader.fail(path, gettext_noop("Must be an object."))
            continue
        quantity = reader.count(raw, "quantity", f"{path}.quantity")
        subtotal = reader.money(raw, "subtotal", f"{path}.subtotal", required=True)
        total = reader.money(raw, "total", f"{path}.total", required=True)
        lines.append(
            LineIn(
                external_id=reader.ident(raw, "id", f"{path}.id"),
                sku=reader.text(raw, "sku", f"{path}.sku", limit=64),
                product_external_id=reader.ident(raw, "variation_id", f"{path}.variation_id", required=False)
                or reader.ident(raw, "product_id", f"{path}.product_id", required=False),
                name=reader.text(raw, "name", f"{path}.name"),
                quantity=quantity,
                unit_price=(subtotal / quantity).quantize(Decimal("0.01")),
                discount=max(subtotal - total, Decimal(0)),
            )
        )
    coupons = [c for c in reader.items(data, "coupon_lines", "coupon_lines") if isinstance(c, dict)]
    refunds = []
    for i, raw in enumerate(reader.items(data, "refunds", "refunds")):
        if isinstance(raw, dict):
            refunds.append(
                RefundIn(
                    external_id=reader.ident(raw, "id", f"refunds[{i}].id"),
                    order_external_id=order_id,
                    amount=abs(reader.money(raw, "total", f"refunds[{i}].total", required=True)),
                    reason=reader.text(raw, "reason", f"refunds[{i}].reason"),
                )
            )
    status_text = reader.text(data, "status", "status", limit=40)
    if status_text not in WOO_STATUS:
        reader.fail(
            "status",
            gettext_noop("Unknown order status; expected one of: {choices}.").format(
                choices=", ".join(WOO_STATUS)
            ),
        )
    created = reader.when(data, "date_created_gmt", "date_created_gmt") or reader.when(
        data, "date_created", "date_created", required=True
    )
    return OrderIn(
        external_id=order_id,
        number=reader.text(data, "number", "number", limit=30),
        updated_at=_woo_version(reader, data, "", required=True),
        placed_at=created or datetime.now(UTC),
        status=WOO_STATUS.get(status_text, OrderStatus.PENDING),
        currency=reader.text(data, "currency", "currency", limit=3).upper(),
        shipping_total=reader.money(data, "shipping_total", "shipping_total"),
        promotion_code=reader.text(coupons[0], "code", "coupon_lines[0].code", limit=40) if coupons else "",
        customer=customer,
        lines=lines,
        refunds=refunds,
    )
