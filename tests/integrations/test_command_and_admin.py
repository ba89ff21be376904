"""``smartcrm connect_shop`` and the admin pages of the integrations app."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartcrm.core.models import AuditEvent
from smartcrm.integrations.models import ShopConnection

pytestmark = pytest.mark.django_db


def test_connect_shop_reads_the_secret_from_the_environment_and_prints_the_url(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHOP_SECRET", "shpss_cli_secret_value")
    out = io.StringIO()
    call_command(
        "connect_shop",
        "shopify",
        "HTTPS://Cli-Shop.myshopify.com/",
        "--secret-env",
        "SHOP_SECRET",
        "--base-url",
        "https://crm.example.com",
        stdout=out,
        stderr=io.StringIO(),
    )
    shop = ShopConnection.objects.get()
    assert shop.shop_domain == "cli-shop.myshopify.com"
    assert shop.secret == "shpss_cli_secret_value"
    assert out.getvalue().strip() == f"https://crm.example.com/hooks/shopify/{shop.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_shopconnection")
        assert "shpss_cli_secret_value" not in cursor.fetchone()[0]  # encrypted at rest
    assert "shpss_cli_secret_value" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # Running it again replaces the secret; the connection stays the same.
    monkeypatch.setenv("SHOP_SECRET", "shpss_rotated_value")
    call_command(
        "connect_shop",
        "shopify",
        "cli-shop.myshopify.com",
        "--secret-env",
        "SHOP_SECRET",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert ShopConnection.objects.get().secret == "shpss_rotated_value"


def test_connect_shop_refuses_bad_input_by_field(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHORT", "abc")
    with pytest.raises(CommandError, match="secret: The secret must have at least 8 characters"):
        call_command("connect_shop", "woocommerce", "shop.example.com", "--secret-env", "SHORT")
    monkeypatch.setenv("OK", "long-enough-secret")
    with pytest.raises(CommandError, match="shop_domain"):
        call_command("connect_shop", "woocommerce", "not a domain", "--secret-env", "OK")
    with pytest.raises(CommandError, match="is empty or unset"):
        call_command("connect_shop", "woocommerce", "shop.example.com", "--secret-env", "UNSET_VARIABLE_X")
    assert ShopConnection.objects.count() == 0


def test_the_admin_lists_render_without_secrets_or_payloads(
    client: Any, admin_user: Any, send: Any, shopify: Any
) -> None:
    from tests.integrations.conftest import SHOPIFY_SECRET, payload

    body = payload("shopify", "orders_create")
    body["line_items"][0].pop("price")
    send(shopify, "orders/create", body, delivery_id="x")
    client.force_login(admin_user)
    for url in (
        "/admin/integrations/shopconnection/",
        f"/admin/integrations/shopconnection/{shopify.pk}/change/",
        "/admin/integrations/inbounddelivery/",
        "/admin/integrations/webhookendpoint/",
        "/admin/integrations/outbounddelivery/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SHOPIFY_SECRET not in response.content.decode()
        assert "ada.example" not in response.content.decode()
