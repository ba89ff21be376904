"""The widget's demo page (a pretend shop page for staff, under a strict CSP) and the widget's
static files (no HTML parsing of text, no inline styles)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.assistant import identity
from tests import factories

pytestmark = pytest.mark.django_db

WIDGET = Path(__file__).resolve().parents[2] / "src/smartcrm/web/static/widget"


@pytest.fixture
def staff(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user(Role.SUPPORT))
    return client


def test_the_demo_page_is_for_staff(db: Any) -> None:
    response = Client().get("/chat/demo/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_demo_page_embeds_the_widget_under_a_strict_csp(staff: Client) -> None:
    order = factories.OrderFactory(
        customer=factories.CustomerFactory(email="ann@example.com"), number="10023"
    )
    page = staff.get("/chat/demo/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "style-src 'self'" in policy
    html = page.content.decode()
    assert (
        '<script src="/static/widget/chat.js" data-smartcrm-url="http://testserver" data-language="en"'
        in html
    )
    assert "ann@example.com #10023" in html and "data-identity-token" not in html
    assert order.number in html
    chinese = staff.get("/chat/demo/?lang=zh-CN").content.decode()
    assert '<html lang="zh-Hans">' in chinese and 'data-language="zh-Hans"' in chinese


def test_signed_in_demo_gives_the_widget_a_token(staff: Client, settings: Any) -> None:
    ann = factories.CustomerFactory(email="ann@example.com")
    factories.OrderFactory(customer=ann, number="10023")
    assert "data-identity-token" not in staff.get("/chat/demo/?signed_in=1").content.decode()
    settings.SMARTCRM_ASSISTANT_IDENTITY_SECRET = "shop-secret"
    html = staff.get("/chat/demo/?signed_in=1").content.decode()
    token = html.split('data-identity-token="', 1)[1].split('"', 1)[0]
    assert identity.customer_from_token(token) == ann


def test_the_conversations_page_links_to_the_demo(staff: Client) -> None:
    assert 'href="/chat/demo/"' in staff.get("/conversations/").content.decode()


def test_the_widget_never_parses_text_as_html_nor_styles_inline() -> None:
    script = (WIDGET / "chat.js").read_text()
    for unsafe in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        ".style",
        "style=",
    ):
        assert unsafe not in script, unsafe
    assert "textContent" in script
