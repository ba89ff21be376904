"""Shop connections and a helper that posts a recorded payload, signed as the platform signs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smartcrm.integrations.connections import connect_shop
from smartcrm.integrations.models import ShopConnection
from smartcrm.integrations.signing import shop_signature

PAYLOADS = Path(__file__).parent / "payloads"
SHOPIFY_SECRET = "shpss_synthetic_app_secret_0001"
WOO_SECRET = "woo-synthetic-webhook-secret"
SHOPIFY_DOMAIN = "example-shop.myshopify.com"
WOO_DOMAIN = "shop.example.com"


def payload(platform: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / platform / f"{name}.json").read_text())
    return data


@pytest.fixture
def shopify(db: Any) -> ShopConnection:
    connection, _ = connect_shop(
        actor="test", platform="shopify", shop_domain=SHOPIFY_DOMAIN, secret=SHOPIFY_SECRET
    )
    return connection


@pytest.fixture
def woo(db: Any) -> ShopConnection:
    connection, _ = connect_shop(
        actor="test",
        platform="woocommerce",
        shop_domain=WOO_DOMAIN,
        secret=WOO_SECRET,
        default_region="GB",
        default_currency="GBP",
    )
    return connection


Send = Callable[..., Any]


@pytest.fixture
def send(client: Client, django_capture_on_commit_callbacks: Any) -> Send:
    """``send(connection, topic, body, delivery_id=…)``: POST as the platform would, run the
    on-commit task (eager), return the response."""

    def post(
        connection: ShopConnection,
        topic: str,
        body: dict[str, Any] | bytes,
        *,
        delivery_id: str,
        secret: str | None = None,
        signature: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sig = signature if signature is not None else shop_signature(secret or connection.secret, raw)
        if connection.platform == "shopify":
            headers = {
                "HTTP_X_SHOPIFY_TOPIC": topic,
                "HTTP_X_SHOPIFY_HMAC_SHA256": sig,
                "HTTP_X_SHOPIFY_WEBHOOK_ID": delivery_id,
                "HTTP_X_SHOPIFY_SHOP_DOMAIN": connection.shop_domain,
                "HTTP_X_SHOPIFY_TRIGGERED_AT": "2026-03-05T19:00:01.000000Z",
                "HTTP_X_SHOPIFY_API_VERSION": "2025-07",
            }
        else:
            resource, _, event = topic.partition(".")
            headers = {
                "HTTP_X_WC_WEBHOOK_SOURCE": f"https://{connection.shop_domain}/",
                "HTTP_X_WC_WEBHOOK_TOPIC": topic,
                "HTTP_X_WC_WEBHOOK_RESOURCE": resource,
                "HTTP_X_WC_WEBHOOK_EVENT": event,
                "HTTP_X_WC_WEBHOOK_SIGNATURE": sig,
                "HTTP_X_WC_WEBHOOK_ID": "12",
                "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery_id,
            }
        headers.update(extra or {})
        url = f"/hooks/{connection.platform}/{connection.pk}"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=raw, content_type="application/json", **headers)

    return post
