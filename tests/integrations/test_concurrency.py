"""Deliveries that arrive at the same moment (PostgreSQL: real concurrent transactions).

Shops retry quickly and send several topics for one change, so two requests about the same
order can be in flight together. The unique delivery key and the per-record lock must keep the
result the same as one after the other.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from smartcrm.integrations.connections import connect_shop
from smartcrm.integrations.models import InboundDelivery, InboundStatus
from smartcrm.integrations.signing import shop_signature
from smartcrm.orders.models import Order, OrderStatus
from tests.integrations.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, payload

pytestmark = pytest.mark.django_db(transaction=True)


def _post_together(requests: list[tuple[str, bytes, str]], shop_id: int) -> list[int]:
    barrier = threading.Barrier(len(requests))
    codes: list[int] = [0] * len(requests)

    def run(i: int, topic: str, body: bytes, delivery_id: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                f"/hooks/shopify/{shop_id}",
                data=body,
                content_type="application/json",
                HTTP_X_SHOPIFY_TOPIC=topic,
                HTTP_X_SHOPIFY_HMAC_SHA256=shop_signature(SHOPIFY_SECRET, body),
                HTTP_X_SHOPIFY_WEBHOOK_ID=delivery_id,
                HTTP_X_SHOPIFY_SHOP_DOMAIN=SHOPIFY_DOMAIN,
            )
            codes[i] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return codes


@pytest.fixture
def shop(db: Any) -> Any:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    return connect_shop(actor="test", platform="shopify", shop_domain=SHOPIFY_DOMAIN, secret=SHOPIFY_SECRET)[
        0
    ]


def test_the_same_delivery_twice_at_once_is_applied_once(shop: Any) -> None:
    body = json.dumps(payload("shopify", "orders_paid")).encode()
    codes = _post_together([("orders/paid", body, "same")] * 4, shop.pk)
    assert codes == [200] * 4
    assert InboundDelivery.objects.count() == 1
    assert Order.objects.count() == 1


def test_create_and_update_of_one_order_at_once_end_in_the_newest_state(shop: Any) -> None:
    requests = [
        ("orders/create", json.dumps(payload("shopify", "orders_create")).encode(), "a"),
        ("orders/paid", json.dumps(payload("shopify", "orders_paid")).encode(), "b"),
        ("orders/updated", json.dumps(payload("shopify", "orders_updated")).encode(), "c"),
    ]
    codes = _post_together(requests, shop.pk)
    assert codes == [200] * 3
    order = Order.objects.get()
    assert order.status == OrderStatus.SHIPPED
    statuses = sorted(InboundDelivery.objects.values_list("status", flat=True))
    assert statuses.count(InboundStatus.PROCESSED) >= 1
    assert set(statuses) <= {InboundStatus.PROCESSED, InboundStatus.STALE}


def test_two_orders_of_one_new_customer_at_once_make_one_customer(shop: Any) -> None:
    from smartcrm.customers.models import Customer

    first = payload("shopify", "orders_paid")
    second = payload("shopify", "orders_paid")
    second.update(id=5500000000002, order_number=1002, name="#1002")
    requests = [
        ("orders/paid", json.dumps(first).encode(), "one"),
        ("orders/paid", json.dumps(second).encode(), "two"),
    ]
    assert _post_together(requests, shop.pk) == [200, 200]
    assert set(InboundDelivery.objects.values_list("status", flat=True)) == {InboundStatus.PROCESSED}
    assert Customer.objects.count() == 1
    assert Order.objects.count() == 2
    assert Customer.objects.get().orders_count == 2


def test_a_customer_created_meanwhile_by_another_transaction_is_found_on_retry(shop: Any) -> None:
    """Another writer inserts the shop's customer while our delivery is applied: our insert waits
    on the unique key, fails once the other commits, and the delivery applies again onto it."""
    import time

    from django.db import transaction

    from smartcrm.customers.models import Customer, ExternalId
    from smartcrm.customers.services import create_customer

    other_ready, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        try:
            with transaction.atomic():
                create_customer(
                    actor="test",
                    values={"first_name": "Ada", "last_name": "Example"},
                    external_id=(shop.external_system, "7100000000001"),
                )
                other_ready.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert other_ready.wait(timeout=30)
    body = json.dumps(payload("shopify", "orders_paid")).encode()
    poster = threading.Thread(target=_post_together, args=([("orders/paid", body, "raced")], shop.pk))
    poster.start()
    # Wait until the delivery's insert is blocked behind the other writer's uncommitted row.
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the delivery never waited on the other writer")
    release.set()
    writer.join(timeout=30)
    poster.join(timeout=60)
    assert InboundDelivery.objects.get().status == InboundStatus.PROCESSED
    assert Customer.objects.count() == 1
    assert ExternalId.objects.count() == 1
    assert Order.objects.get().customer_id == Customer.objects.get().pk
