"""Customer text is hostile: every page shows it escaped, never as markup."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Note
from tests import factories
from tests.web.conftest import XSS, Shop

ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


def _hostile_shop(shop: Shop) -> None:
    customer = shop.customer
    customer.name = XSS
    customer.city = XSS
    customer.save(update_fields=["name", "city"])
    shop.ticket.subject = XSS
    shop.ticket.save(update_fields=["subject"])
    factories.TicketMessageFactory(ticket=shop.ticket, body=XSS)
    shop.review.title = XSS
    shop.review.body = XSS
    shop.review.save(update_fields=["title", "body"])
    Note.objects.create(customer=customer, body=XSS)
    shop.deal.title = XSS
    shop.deal.save(update_fields=["title"])
    shop.product.name = XSS
    shop.product.save(update_fields=["name"])


def test_hostile_text_is_escaped_on_every_page(shop: Shop, client_for: Any) -> None:
    _hostile_shop(shop)
    client = client_for(Role.ADMIN)
    for url in (
        reverse("web:customer_list"),
        reverse("web:customer_detail", args=[shop.customer.pk]),
        reverse("web:ticket_inbox"),
        reverse("web:ticket_detail", args=[shop.ticket.pk]),
        reverse("web:product_list"),
        reverse("web:product_detail", args=[shop.product.pk]),
        reverse("web:order_list"),
        reverse("web:order_detail", args=[shop.order.pk]),
        reverse("web:pipeline"),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url
        assert "<img src=x" not in page, url
        assert ESCAPED in page, url


def test_hostile_note_is_escaped_in_the_htmx_fragment(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SALES).post(
        reverse("web:customer_add_note", args=[shop.customer.pk]), {"body": XSS}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert ESCAPED in body


def test_pages_send_a_strict_content_security_policy(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.ADMIN).get(reverse("web:customer_detail", args=[shop.customer.pk]))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()  # no inline script of our own either
