"""Inbound shop webhooks against the recorded payload shapes of Shopify and WooCommerce: the
signature gate, replayed deliveries, out-of-order updates, and the mapping to the domain."""

from __future__ import annotations

import itertools
import json
import logging
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection as db

from smartcrm.catalog.models import Product
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer, ExternalId
from smartcrm.integrations.models import InboundDelivery, InboundStatus, ShopConnection
from smartcrm.orders.models import Order, OrderStatus, Refund, RefundKind
from smartcrm.orders.rules import EXCESS_DISCOUNT
from tests import factories
from tests.integrations.conftest import PAYLOADS, payload

pytestmark = pytest.mark.django_db

SHOPIFY_ORDER = ("orders/create", "orders_create")
WOO_ORDER = ("order.created", "order_created")


def _state() -> tuple[int, int, int, int, int]:
    return (
        InboundDelivery.objects.count(),
        Customer.objects.count(),
        Order.objects.count(),
        Product.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture(params=["shopify", "woocommerce"])
def shop(request: Any, shopify: ShopConnection, woo: ShopConnection) -> tuple[ShopConnection, str, str]:
    """A connection with the topic and recorded payload of its order-created delivery."""
    if request.param == "shopify":
        return shopify, *SHOPIFY_ORDER
    return woo, *WOO_ORDER


# --- the signature gate -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how", ["wrong secret", "tampered body", "missing", "not base64", "hex instead of base64"]
)
def test_a_bad_signature_is_refused_with_401_and_changes_nothing(send: Any, shop: Any, how: str) -> None:
    connection, topic, name = shop
    body = json.dumps(payload(connection.platform, name)).encode()
    before = _state()
    if how == "wrong secret":
        response = send(connection, topic, body, delivery_id="d-1", secret="not-the-secret")
    elif how == "tampered body":
        from smartcrm.integrations.signing import shop_signature

        signature = shop_signature(connection.secret, body)
        response = send(
            connection,
            topic,
            body.replace(b"19.90", b"0.01").replace(b"24.00", b"0.01"),
            delivery_id="d-1",
            signature=signature,
        )
    elif how == "missing":
        response = send(connection, topic, body, delivery_id="d-1", signature="")
    elif how == "not base64":
        response = send(connection, topic, body, delivery_id="d-1", signature="%%%")
    else:
        import hashlib
        import hmac

        hexed = hmac.new(connection.secret.encode(), body, hashlib.sha256).hexdigest()
        response = send(connection, topic, body, delivery_id="d-1", signature=hexed)
    assert response.status_code == 401
    assert response.json() == {"detail": "Bad signature.", "code": "not_authenticated"}
    assert _state() == before


def test_an_unknown_or_inactive_shop_is_404(client: Any, shopify: ShopConnection) -> None:
    unknown = client.post("/hooks/shopify/999999", data=b"{}", content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert client.post("/hooks/magento/1", data=b"{}", content_type="application/json").status_code == 404
    ShopConnection.objects.filter(pk=shopify.pk).update(is_active=False)
    assert (
        client.post(f"/hooks/shopify/{shopify.pk}", data=b"{}", content_type="application/json").status_code
        == 404
    )
    assert InboundDelivery.objects.count() == 0


def test_a_shopify_delivery_for_another_shop_is_refused(send: Any, shopify: ShopConnection) -> None:
    # The app secret is shared by every shop that installed the app: the domain must match too.
    response = send(
        shopify,
        "orders/create",
        payload("shopify", "orders_create"),
        delivery_id="d-1",
        extra={"HTTP_X_SHOPIFY_SHOP_DOMAIN": "other-shop.myshopify.com"},
    )
    assert response.status_code == 401
    assert Order.objects.count() == 0


def test_the_url_may_name_the_shop_by_domain(
    client: Any, shopify: ShopConnection, django_capture_on_commit_callbacks: Any
) -> None:
    from smartcrm.integrations.signing import shop_signature

    body = json.dumps(payload("shopify", "customers_create")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/hooks/shopify/{shopify.shop_domain}",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="customers/create",
            HTTP_X_SHOPIFY_HMAC_SHA256=shop_signature(shopify.secret, body),
            HTTP_X_SHOPIFY_WEBHOOK_ID="d-domain",
        )
    assert response.status_code == 200
    assert ExternalId.objects.filter(system=shopify.external_system, value="7100000000001").exists()


# --- replayed deliveries ------------------------------------------------------------------------


def test_a_replayed_delivery_is_accepted_once_and_does_nothing_the_second_time(send: Any, shop: Any) -> None:
    connection, topic, name = shop
    body = payload(connection.platform, name)
    first = send(connection, topic, body, delivery_id="same-delivery")
    assert first.status_code == 200
    assert first.json()["status"] == "received"
    after_first = _state()
    assert after_first[2] == 1  # one order
    second = send(connection, topic, body, delivery_id="same-delivery")
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert _state() == after_first
    assert InboundDelivery.objects.get().status == InboundStatus.PROCESSED


def test_the_same_version_under_a_new_delivery_id_is_recorded_stale(send: Any, shop: Any) -> None:
    connection, topic, name = shop
    body = payload(connection.platform, name)
    send(connection, topic, body, delivery_id="a")
    orders, audits = Order.objects.count(), AuditEvent.objects.count()
    assert send(connection, topic, body, delivery_id="b").status_code == 200
    assert InboundDelivery.objects.get(delivery_id="b").status == InboundStatus.STALE
    assert (Order.objects.count(), AuditEvent.objects.count()) == (orders, audits)


# --- out-of-order updates -----------------------------------------------------------------------

SHOPIFY_EVENTS = [
    ("orders/create", "orders_create"),
    ("orders/paid", "orders_paid"),
    ("orders/updated", "orders_updated"),
]
WOO_EVENTS = [
    ("order.created", "order_created"),
    ("order.updated", "order_updated_processing"),
    ("order.updated", "order_updated_completed"),
    ("order.updated", "order_updated_refunded"),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_shopify_order_events_in_any_order_end_in_the_newest_state(
    send: Any, shopify: ShopConnection, order: tuple[int, ...]
) -> None:
    for i in order:
        topic, name = SHOPIFY_EVENTS[i]
        assert send(shopify, topic, payload("shopify", name), delivery_id=f"d-{i}").status_code == 200
    placed = Order.objects.get()
    assert placed.status == OrderStatus.SHIPPED  # paid and fulfilled: the newest version
    assert placed.total == Decimal("64.80")
    stale = InboundDelivery.objects.filter(status=InboundStatus.STALE).count()
    assert stale == sum(1 for k, i in enumerate(order) if any(j > i for j in order[:k]))


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_woocommerce_order_events_in_any_order_end_in_the_newest_state(
    send: Any, woo: ShopConnection, order: tuple[int, ...]
) -> None:
    for i in order:
        topic, name = WOO_EVENTS[i]
        assert send(woo, topic, payload("woocommerce", name), delivery_id=f"d-{i}").status_code == 200
    placed = Order.objects.get()
    assert (placed.status, placed.refunded_total) == (OrderStatus.PARTIALLY_REFUNDED, Decimal("11.00"))
    assert placed.total == Decimal("41.50")
    assert Refund.objects.count() == 1
    assert placed.customer.total_spent == Decimal("30.50")


def test_an_older_customer_update_is_recorded_and_ignored(send: Any, shopify: ShopConnection) -> None:
    assert (
        send(
            shopify, "customers/update", payload("shopify", "customers_update"), delivery_id="new"
        ).status_code
        == 200
    )
    assert (
        send(
            shopify, "customers/create", payload("shopify", "customers_create"), delivery_id="old"
        ).status_code
        == 200
    )
    customer = Customer.objects.get()
    assert (customer.last_name, customer.city) == ("Example-Lovelace", "Chicago")
    assert InboundDelivery.objects.get(delivery_id="old").status == InboundStatus.STALE


def test_woocommerce_customer_update_applies_when_newer(send: Any, woo: ShopConnection) -> None:
    send(woo, "customer.created", payload("woocommerce", "customer_created"), delivery_id="c1")
    send(woo, "customer.updated", payload("woocommerce", "customer_updated"), delivery_id="c2")
    customer = Customer.objects.get()
    assert (customer.last_name, customer.city, customer.country) == ("Example-Wu", "York", "GB")
    assert customer.phone == "+441134960000"  # a local number, read with the shop's region
    send(woo, "customer.updated", payload("woocommerce", "customer_created"), delivery_id="c3")
    customer.refresh_from_db()
    assert customer.city == "York"


def test_a_refund_that_overtakes_its_order_waits_and_lands_once_the_order_is_in(
    send: Any, shopify: ShopConnection
) -> None:
    assert (
        send(shopify, "refunds/create", payload("shopify", "refunds_create"), delivery_id="r").status_code
        == 200
    )
    assert InboundDelivery.objects.get(delivery_id="r").status == InboundStatus.WAITING
    assert Refund.objects.count() == 0
    send(shopify, "orders/paid", payload("shopify", "orders_paid"), delivery_id="o")
    assert InboundDelivery.objects.get(delivery_id="r").status == InboundStatus.PROCESSED
    refund = Refund.objects.get()
    assert (refund.kind, refund.quantity, refund.amount) == (RefundKind.RETURN, 1, Decimal("17.40"))
    assert refund.line is not None
    assert refund.line.product.sku == "MUG-BLUE"
    assert refund.line.returned_quantity == 1
    order = Order.objects.get()
    assert (order.status, order.refunded_total) == (OrderStatus.PARTIALLY_REFUNDED, Decimal("17.40"))
    # The same refund inside a later order update is not recorded twice.
    updated = payload("shopify", "orders_updated")
    updated["refunds"] = [payload("shopify", "refunds_create")]
    updated["financial_status"] = "partially_refunded"
    send(shopify, "orders/updated", updated, delivery_id="o2")
    assert Refund.objects.count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED


def test_a_cancelled_order_stops_counting_towards_the_customer(send: Any, shopify: ShopConnection) -> None:
    send(shopify, "orders/paid", payload("shopify", "orders_paid"), delivery_id="p")
    customer = Customer.objects.get()
    assert customer.orders_count == 1
    cancelled = payload("shopify", "orders_cancelled")
    cancelled["updated_at"] = "2026-03-05T15:00:00-05:00"
    send(shopify, "orders/cancelled", cancelled, delivery_id="c")
    customer.refresh_from_db()
    assert (Order.objects.get().status, customer.orders_count) == (OrderStatus.CANCELLED, 0)


# --- mapping ------------------------------------------------------------------------------------


def test_a_shopify_order_maps_to_customer_products_and_lines(send: Any, shopify: ShopConnection) -> None:
    existing = factories.ProductFactory(sku="MUG-BLUE", price=Decimal("18.00"))
    known = factories.CustomerFactory(email="ada.example@example.com", first_name="Ada", last_name="Known")
    send(shopify, "orders/paid", payload("shopify", "orders_paid"), delivery_id="o")
    order = Order.objects.get()
    assert order.customer_id == known.pk  # matched by the email's hash, then linked by id
    assert ExternalId.objects.get(customer=known).value == "7100000000001"
    assert order.external_id == f"{shopify.external_system}:5500000000001"
    assert order.number == f"SH{shopify.pk}-1001"
    assert (order.status, order.currency, order.promotion_code) == (OrderStatus.PAID, "USD", "SPRING5")
    assert (order.subtotal, order.discount_total, order.shipping_total, order.total) == (
        Decimal("64.80"),
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("64.80"),
    )
    lines = {line.product.sku: line for line in order.lines.select_related("product")}
    assert lines["MUG-BLUE"].product_id == existing.pk
    assert (lines["MUG-BLUE"].quantity, lines["MUG-BLUE"].unit_price) == (2, Decimal("19.90"))
    created_sku = f"{shopify.external_system}-4500000000002"  # no SKU: the variant's id
    assert lines[created_sku].product.name == "Tea Sampler"
    # A second order by the same customer reuses the link (no new customer).
    again = payload("shopify", "orders_paid")
    again.update(id=5500000000002, order_number=1002, name="#1002")
    again["line_items"] = again["line_items"][:1]
    send(shopify, "orders/paid", again, delivery_id="o2")
    assert Customer.objects.count() == 1
    known.refresh_from_db()
    assert known.orders_count == 2


def test_a_woocommerce_guest_order_creates_a_customer_by_email(send: Any, woo: ShopConnection) -> None:
    body = payload("woocommerce", "order_updated_processing")
    body["customer_id"] = 0
    send(woo, "order.updated", body, delivery_id="g")
    order = Order.objects.select_related("customer").get()
    assert order.customer.email == "li.example@example.org"
    assert not ExternalId.objects.filter(customer=order.customer).exists()
    assert (order.currency, order.status, order.total) == ("GBP", OrderStatus.PAID, Decimal("41.50"))


# --- bad input ----------------------------------------------------------------------------------


def test_malformed_json_is_422_and_the_delivery_is_stored_failed_with_its_body_encrypted(
    send: Any, shop: Any
) -> None:
    connection, topic, _ = shop
    body = b'{"id": 1, "email": "secret.person@example.com", '
    response = send(connection, topic, body, delivery_id="bad")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"] == [
        {"loc": ["body"], "msg": "The body is not valid JSON.", "type": "value_error", "code": "invalid"}
    ]
    delivery = InboundDelivery.objects.get()
    assert delivery.status == InboundStatus.FAILED
    assert delivery.payload == body.decode()  # kept for replay …
    with db.cursor() as cursor:
        cursor.execute("SELECT payload FROM integrations_inbounddelivery WHERE id = %s", [delivery.pk])
        assert "secret.person" not in cursor.fetchone()[0]  # … encrypted at rest
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("platform", "topic", "name", "breakage", "field"),
    [
        (
            "shopify",
            "orders/create",
            "orders_create",
            lambda p: p["line_items"][0].pop("price"),
            "line_items[0].price",
        ),
        ("shopify", "orders/create", "orders_create", lambda p: p.pop("updated_at"), "updated_at"),
        ("shopify", "orders/create", "orders_create", lambda p: p.update(line_items=[]), "line_items"),
        (
            "shopify",
            "orders/create",
            "orders_create",
            lambda p: p["line_items"][1].update(quantity="two"),
            "line_items[1].quantity",
        ),
        ("shopify", "customers/create", "customers_create", lambda p: p.pop("id"), "id"),
        ("shopify", "refunds/create", "refunds_create", lambda p: p.pop("order_id"), "order_id"),
        ("woocommerce", "order.created", "order_created", lambda p: p.update(status="teleported"), "status"),
        (
            "woocommerce",
            "order.created",
            "order_created",
            lambda p: p["line_items"][0].update(total="abc"),
            "line_items[0].total",
        ),
        (
            "woocommerce",
            "order.created",
            "order_created",
            lambda p: p.update(date_created_gmt="yesterday"),
            "date_created_gmt",
        ),
        (
            "woocommerce",
            "customer.updated",
            "customer_updated",
            lambda p: p.update(billing="none"),
            "billing",
        ),
    ],
)
def test_a_missing_or_malformed_field_is_422_naming_the_field(
    send: Any,
    shopify: ShopConnection,
    woo: ShopConnection,
    platform: str,
    topic: str,
    name: str,
    breakage: Any,
    field: str,
) -> None:
    connection = shopify if platform == "shopify" else woo
    body = payload(platform, name)
    breakage(body)
    response = send(connection, topic, body, delivery_id="broken")
    assert response.status_code == 422
    assert field in [item["loc"][0] for item in response.json()["detail"]]
    delivery = InboundDelivery.objects.get()
    assert (delivery.status, field in delivery.errors) == (InboundStatus.FAILED, True)
    assert (Order.objects.count(), Customer.objects.count()) == (0, 0)


def test_a_failed_delivery_sent_again_fixed_is_processed(send: Any, shopify: ShopConnection) -> None:
    broken = payload("shopify", "orders_create")
    broken.pop("updated_at")
    assert send(shopify, "orders/create", broken, delivery_id="x").status_code == 422
    assert (
        send(shopify, "orders/create", payload("shopify", "orders_create"), delivery_id="x").status_code
        == 200
    )
    assert InboundDelivery.objects.get().status == InboundStatus.PROCESSED
    assert Order.objects.count() == 1


def test_a_business_rule_failure_is_recorded_on_the_delivery(send: Any, shopify: ShopConnection) -> None:
    body = payload("shopify", "customers_create")
    body["email"] = "not-an-email"
    assert send(shopify, "customers/create", body, delivery_id="e").status_code == 200  # queued
    delivery = InboundDelivery.objects.get()
    assert delivery.status == InboundStatus.FAILED
    assert delivery.errors == {"email": "Enter a valid email address."}
    assert Customer.objects.count() == 0


def test_a_discount_larger_than_its_line_is_refused_not_clamped(send: Any, shopify: ShopConnection) -> None:
    """Two mugs at 19.90 with 39.81 off: the order is not recorded with a zero line (as it was),
    the delivery fails naming the line's discount; the next good delivery still lands."""
    body = payload("shopify", "orders_create")
    body["line_items"][0]["total_discount"] = "39.81"
    assert send(shopify, "orders/create", body, delivery_id="excess").status_code == 200
    delivery = InboundDelivery.objects.get()
    assert delivery.status == InboundStatus.FAILED
    assert delivery.errors == {"lines[0].discount": EXCESS_DISCOUNT}
    assert Order.objects.count() == 0
    body["line_items"][0]["total_discount"] = "39.80"  # the whole line off is allowed
    assert send(shopify, "orders/create", body, delivery_id="exact").status_code == 200
    assert InboundDelivery.objects.get(delivery_id="exact").status == InboundStatus.PROCESSED
    assert Order.objects.get().lines.order_by("id").first().line_total == Decimal("0.00")


def test_the_woocommerce_ping_is_answered_200_and_stores_nothing(client: Any, woo: ShopConnection) -> None:
    body = (PAYLOADS / "woocommerce" / "ping.txt").read_bytes()
    response = client.post(
        f"/hooks/woocommerce/{woo.pk}", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert InboundDelivery.objects.count() == 0
    # Anything else without a signature is still refused.
    other = client.post(f"/hooks/woocommerce/{woo.pk}", data=b"webhook_id=1&x=2", content_type="text/plain")
    assert other.status_code == 401


def test_a_topic_we_do_not_sync_is_acknowledged_and_ignored(send: Any, shopify: ShopConnection) -> None:
    response = send(shopify, "products/update", {"id": 1, "title": "Mug"}, delivery_id="p")
    assert response.status_code == 200
    assert InboundDelivery.objects.get().status == InboundStatus.IGNORED


def test_a_missing_topic_header_is_422(send: Any, woo: ShopConnection) -> None:
    response = send(woo, "", payload("woocommerce", "order_created"), delivery_id="t")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["headers.X-WC-Webhook-Topic"]


# --- PII --------------------------------------------------------------------------------------


def test_no_pii_reaches_the_logs(
    send: Any, shopify: ShopConnection, woo: ShopConnection, caplog: Any
) -> None:
    with caplog.at_level(logging.DEBUG):
        send(shopify, "orders/paid", payload("shopify", "orders_paid"), delivery_id="1")
        send(shopify, "refunds/create", payload("shopify", "refunds_create"), delivery_id="2")
        send(woo, "order.created", payload("woocommerce", "order_created"), delivery_id="3")
        send(woo, "customer.updated", payload("woocommerce", "customer_updated"), delivery_id="4")
        send(shopify, "orders/create", b'{"email": "ada.example@example.com"', delivery_id="5")
    assert "inbound delivery" in caplog.text  # the log is there …
    for secret in (
        "ada.example",
        "li.example",
        "Example",
        "Sample Street",
        "2025550143",
        "496 0000",
        "chipped",
    ):
        assert secret not in caplog.text  # … without the shop's customer data


def test_a_retry_of_a_delivery_whose_task_never_ran_applies_it(
    client: Any, shopify: ShopConnection, send: Any
) -> None:
    from smartcrm.integrations.signing import shop_signature

    body = json.dumps(payload("shopify", "orders_paid")).encode()
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": "orders/paid",
        "HTTP_X_SHOPIFY_HMAC_SHA256": shop_signature(shopify.secret, body),
        "HTTP_X_SHOPIFY_WEBHOOK_ID": "lost-task",
    }
    # Stored, but the on-commit task is dropped (a broker outage, a crash before the commit hook).
    assert (
        client.post(
            f"/hooks/shopify/{shopify.pk}", data=body, content_type="application/json", **headers
        ).json()["status"]
        == "received"
    )
    assert Order.objects.count() == 0
    again = send(shopify, "orders/paid", body, delivery_id="lost-task")
    assert again.json()["status"] == "duplicate"
    assert InboundDelivery.objects.get().status == InboundStatus.PROCESSED
    assert Order.objects.count() == 1
