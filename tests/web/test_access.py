"""Every page opens for a role that may see it, answers 403 to one that may not, and sends
anonymous visitors to the login page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartcrm.accounts.roles import Role
from tests.web.conftest import Shop

# url name, how to build its kwargs from the shop, a role allowed, a role refused (or None)
PAGES = [
    ("web:dashboard", lambda s: {}, Role.ANALYST, None),
    ("web:customer_list", lambda s: {}, Role.MARKETING, None),
    ("web:customer_detail", lambda s: {"customer_id": s.customer.pk}, Role.SALES, None),
    ("web:product_list", lambda s: {}, Role.ANALYST, None),
    ("web:product_detail", lambda s: {"product_id": s.product.pk}, Role.ANALYST, None),
    ("web:order_list", lambda s: {}, Role.SUPPORT, None),
    ("web:order_detail", lambda s: {"order_id": s.order.pk}, Role.SUPPORT, None),
    ("web:ticket_inbox", lambda s: {}, Role.SUPPORT, Role.SALES),
    ("web:ticket_detail", lambda s: {"ticket_id": s.ticket.pk}, Role.MARKETING, Role.SALES),
    ("web:pipeline", lambda s: {}, Role.SALES, Role.MARKETING),
]


@pytest.mark.parametrize(("name", "kwargs", "allowed", "refused"), PAGES)
def test_page_renders_for_a_permitted_role_and_refuses_others(
    shop: Shop, client_for: Any, name: str, kwargs: Any, allowed: Role, refused: Role | None
) -> None:
    url = reverse(name, kwargs=kwargs(shop))
    response = client_for(allowed).get(url)
    assert response.status_code == 200
    assert b"<main" in response.content
    if refused is not None:
        assert client_for(refused).get(url).status_code == 403


@pytest.mark.parametrize(("name", "kwargs", "allowed", "refused"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(
    shop: Shop, name: str, kwargs: Any, allowed: Role, refused: Role | None
) -> None:
    response = Client().get(reverse(name, kwargs=kwargs(shop)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(
    ("name", "kwargs", "role"),
    [
        ("web:customer_add_note", lambda s: {"customer_id": s.customer.pk}, Role.MARKETING),
        ("web:customer_add_task", lambda s: {"customer_id": s.customer.pk}, Role.ANALYST),
        ("web:ticket_reply", lambda s: {"ticket_id": s.ticket.pk}, Role.ANALYST),
        ("web:ticket_reply", lambda s: {"ticket_id": s.ticket.pk}, Role.MARKETING),
        ("web:ticket_update", lambda s: {"ticket_id": s.ticket.pk}, Role.MARKETING),
        ("web:pipeline_move", lambda s: {"deal_id": s.deal.pk}, Role.ANALYST),
    ],
)
def test_writes_are_refused_to_roles_without_the_capability(
    shop: Shop, client_for: Any, name: str, kwargs: Any, role: Role
) -> None:
    response = client_for(role).post(reverse(name, kwargs=kwargs(shop)), {"body": "hi", "title": "x"})
    assert response.status_code == 403


def test_read_only_roles_do_not_see_the_forms(shop: Shop, client_for: Any) -> None:
    page = client_for(Role.ANALYST).get(reverse("web:ticket_detail", args=[shop.ticket.pk])).content
    assert reverse("web:ticket_reply", args=[shop.ticket.pk]).encode() not in page
    page = client_for(Role.MARKETING).get(reverse("web:customer_detail", args=[shop.customer.pk])).content
    assert reverse("web:customer_add_note", args=[shop.customer.pk]).encode() not in page


def test_navigation_follows_the_role(shop: Shop, client_for: Any) -> None:
    sales = client_for(Role.SALES).get(reverse("web:dashboard")).content.decode()
    assert reverse("web:pipeline") in sales
    assert reverse("web:ticket_inbox") not in sales
    assert reverse("admin:index") not in sales
    admin = client_for(Role.ADMIN).get(reverse("web:dashboard")).content.decode()
    assert reverse("admin:index") in admin
    assert reverse("web:ticket_inbox") in admin


def test_unknown_objects_are_404(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    for name in ("web:customer_detail", "web:product_detail", "web:order_detail", "web:ticket_detail"):
        assert client.get(reverse(name, args=[999_999])).status_code == 404


def test_login_page_logs_in(shop: Shop, make_user: Any) -> None:
    make_user(Role.SUPPORT, username="agent")
    client = Client()
    assert client.get(reverse("web:login")).status_code == 200
    response = client.post(reverse("web:login"), {"username": "agent", "password": "pw-Secret-123"})
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 200
