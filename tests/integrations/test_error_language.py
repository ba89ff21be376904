"""An inbound delivery's errors and notes are kept in English (a shop's request or a worker has
no reader) and read in the reader's language: every message the receiver, the payload reader and
the sync write is in the catalogue of templates; the page and the API show them in Chinese to a
Chinese reader, in English to an English one. The refusals of inbound mail speak the language
the mail command runs in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from smartcrm.accounts.roles import Role
from smartcrm.assistant.channels.mail_in import receive_mail
from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations import sync
from smartcrm.integrations.models import InboundDelivery, ShopConnection
from smartcrm.integrations.wording import TEMPLATES, delivery_message
from tests.api.client import ApiClient
from tests.integrations.conftest import payload

pytestmark = pytest.mark.django_db


def _breakages() -> list[tuple[str, str, Any]]:
    """(topic, payload, how to break it): one of every kind of field error the reader writes."""

    def lines(p: dict[str, Any]) -> None:
        p["line_items"][0].pop("price")
        p["line_items"][1].update(quantity="two")
        p["line_items"].append("a line")
        p.update(updated_at="yesterday", note=["not text"], currency="\x00EUR")
        p["customer"]["id"] = {"an": "object"}
        p["total_price"] = "1e400"

    return [
        ("orders/create", "orders_create", lines),
        ("orders/create", "orders_create", lambda p: p.update(line_items=[])),
        ("orders/create", "orders_create", lambda p: p.update(line_items="none")),
        ("orders/create", "orders_create", lambda p: p.update(line_items=[{}] * 1001)),
        ("orders/create", "orders_create", lambda p: p.update(customer="ann")),
        ("customers/create", "customers_create", lambda p: p.update(id="x" * 61)),
        ("refunds/create", "refunds_create", lambda p: p.pop("order_id")),
    ]


def _stored_messages(send: Any, shopify: ShopConnection, woo: ShopConnection) -> list[str]:
    for n, (topic, name, breakage) in enumerate(_breakages()):
        body = payload("shopify", name)
        breakage(body)
        assert send(shopify, topic, body, delivery_id=f"broken-{n}").status_code == 422
    broken = payload("woocommerce", "order_created")
    broken["status"] = "teleported"
    assert send(woo, "order.created", broken, delivery_id="woo").status_code == 422
    assert send(shopify, "orders/create", b"{not json", delivery_id="json").status_code == 422
    assert send(shopify, "orders/create", b"[1, 2]", delivery_id="list").status_code == 422
    odd = payload("shopify", "customers_create")
    odd.update(phone="not a phone", id=777)
    odd["default_address"] = {**odd.get("default_address", {}), "country_code": "9Z"}
    assert send(shopify, "customers/update", odd, delivery_id="odd").status_code == 200
    messages = [m for d in InboundDelivery.objects.all() for m in [*d.errors.values(), *d.notes]]
    # The sync's notes on refunds (a refund larger than what is left, or nothing left).
    messages += [sync.CAPPED.format(refund="R1", left="5.00"), sync.NOTHING_LEFT.format(refund="R2")]
    return messages


def test_every_message_a_delivery_stores_reads_in_chinese(
    send: Any, shopify: ShopConnection, woo: ShopConnection
) -> None:
    messages = _stored_messages(send, shopify, woo)
    assert len(set(messages)) >= 15, messages
    assert any("not stored" in m for m in messages), messages  # a note, not only field errors
    with translation.override("zh-hans"):
        untranslated = [m for m in messages if delivery_message(m) == m]
        templates = [t for t in TEMPLATES if delivery_message(t) == t]
    assert (untranslated, templates) == ([], [])
    with translation.override("en"):
        assert [delivery_message(m) for m in messages] == messages


def test_a_template_fills_the_values_back() -> None:
    with translation.override("zh-hans"):
        assert delivery_message("At most 250 items.") == "最多 250 项。"
        assert delivery_message("refund 991: capped at what is left to refund (12.50)") == (
            "退款 991：已限制为剩余可退金额（12.50）"
        )
        assert delivery_message("something a shop wrote") == "something a shop wrote"


def test_the_page_and_the_api_show_a_deliverys_errors_in_the_readers_language(
    send: Any, shopify: ShopConnection, make_user: Any, token_for: Any
) -> None:
    broken = payload("shopify", "orders_create")
    broken["line_items"][0].pop("price")
    broken["line_items"][1].update(quantity="two")
    send(shopify, "orders/create", broken, delivery_id="x")
    user = make_user(Role.MANAGER)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    html = client.get("/integrations/").content.decode()
    assert "此字段为必填项。" in html and "必须是 1 到 100000 之间的整数。" in html
    assert "This field is required." not in html
    user.language = "en"
    user.save(update_fields=["language"])
    assert "This field is required." in client.get("/integrations/").content.decode()

    _, raw = token_for(Role.ADMIN)
    for language, required in (("zh-Hans", "此字段为必填项。"), ("en", "This field is required.")):
        api = ApiClient(raw, HTTP_ACCEPT_LANGUAGE=language)
        (entry,) = api.get("/webhooks/inbound?status=failed").json()["items"]
        assert entry["errors"]["line_items[0].price"] == required


def test_the_answer_to_the_shop_is_in_the_requests_language(client: Client, shopify: ShopConnection) -> None:
    chinese = client.post(
        f"/hooks/shopify/{shopify.pk}", b"{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.status_code == 401 and chinese.json()["detail"] == "签名无效。"
    english = client.post(f"/hooks/shopify/{shopify.pk}", b"{}", content_type="application/json")
    assert english.json()["detail"] == "Bad signature."
    unknown = client.post(
        "/hooks/shopify/999999", b"{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert unknown.status_code == 404 and unknown.json()["detail"] == "未知的店铺。"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "这不是一封带有发件人地址的邮件。"), ("en", "Not a mail with a sender's address.")],
)
def test_a_refused_mail_is_refused_in_the_language_the_command_runs_in(language: str, expected: str) -> None:
    with translation.override(language), pytest.raises(ServiceValidationError) as refused:
        receive_mail(b"not a mail at all")
    assert refused.value.errors == {"mail": expected}
