"""With a zh-Hans user, the busiest pages show no English interface string: the visible text is
collected in Chromium and every ASCII word must be data (the shop's own names) or a brand or
acronym on the allow-list. Screenshots of both languages go to docs/screenshots on request
(SMARTCRM_UPDATE_SCREENSHOTS=1, into docs/screenshots/i18n), to test-artifacts/ otherwise."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.scopes import SCOPES
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs/screenshots/i18n" if os.environ.get("SMARTCRM_UPDATE_SCREENSHOTS") else ARTIFACTS
# Brands, acronyms and units that are the same in Chinese text.
ALLOWED = {
    "smartcrm", "api", "csv", "xlsx", "rfm", "clv", "sku", "url", "id", "pii", "json", "llm", "faq",
    "html", "markdown", "mase", "qini", "shopify", "woocommerce", "telegram", "english", "zip",
    "b2b", "sms", "whatsapp", "ms", "pp", "utc", "excel", "sla",
    "us", "usd", "cny",  # currency symbols and codes as CLDR writes them in Chinese (US$)
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# The text a reader sees: visible text nodes outside code samples.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest("code, pre, kbd, script, style, template, option")) continue;
    if (!el.checkVisibility()) continue;
    out.push(node.textContent);
  }
  for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (el.checkVisibility()) out.push(el.placeholder);
  }
  return out.join("\\n");
}"""


@pytest.fixture
def shop(db: Any) -> dict[str, Any]:
    now = timezone.now()
    customer = factories.CustomerFactory(
        first_name="伟", last_name="王", name="王伟", city="上海", country="CN", search_text="王伟 上海",
        orders_count=1, total_spent=Decimal("1130439.50"), last_order_at=now - timedelta(days=2),
    )  # fmt: skip
    product = factories.ProductFactory(name="黄铜齿轮", sku="GEAR-1")
    order = factories.OrderFactory(
        customer=customer, number="10001", placed_at=now - timedelta(days=2), total=Decimal("1130439.50")
    )
    factories.OrderLineFactory(order=order, product=product, quantity=2, line_total=Decimal("1130439.50"))
    ticket = factories.TicketFactory(customer=customer, subject="齿轮到货时弯了", order=order)
    factories.TicketMessageFactory(ticket=ticket, body="我的齿轮弯了，请帮忙。")
    return {"customer": customer, "order": order, "ticket": ticket}


def _pages(shop: dict[str, Any]) -> dict[str, str]:
    return {
        "dashboard": "/",
        "customers": "/customers/",
        "customer-360": f"/customers/{shop['customer'].pk}/",
        "orders": "/orders/",
        "inbox": "/inbox/",
        "ticket": f"/inbox/{shop['ticket'].pk}/",
        "pipeline": "/pipeline/",
        "segments": "/segments/",
        "recommendations": "/basket-rules/",
        "forecasts": "/insights/",
        "feedback": "/feedback/",
        "imports": "/imports/",
        "settings": "/account/",
        "model-cards": "/models/",
    }


def _data_words(shop: dict[str, Any], user: User) -> set[str]:
    """Words of the shop's own records on these pages (user names, order numbers, SKUs)."""
    customer = shop["customer"]
    texts = [
        user.username,
        shop["order"].number,
        "GEAR-1",
        customer.email,
        customer.country,
        customer.language,
    ]
    # API token scopes are identifiers typed in API calls (customers:read), not prose.
    texts += [scope.replace(":", " ") for scope in SCOPES]
    return {w.lower() for text in texts for w in WORD.findall(str(text))}


def _english_words(page: Page, allowed: set[str]) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return sorted({w for w in WORD.findall(text) if w.lower() not in allowed})


def test_a_chinese_speaking_user_sees_no_english_on_the_busiest_pages(
    page: Page, login: Any, live_server: Any, shop: dict[str, Any]
) -> None:
    user = factories.UserFactory(username="wangli", role=Role.ADMIN, language="zh-hans")
    login(page, "wangli")
    allowed = ALLOWED | _data_words(shop, user)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in _pages(shop).items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "zh-hans", name
        page.screenshot(path=str(SCREENSHOTS / f"zh-hans-{name}.png"), full_page=False)
        if words := _english_words(page, allowed):
            found[name] = words
    # Written out in full for a look: an assertion message is cut short.
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "zh-hans-english-words.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    assert found == {}, found


def test_english_pages_for_comparison(page: Page, login: Any, live_server: Any, shop: dict[str, Any]) -> None:
    factories.UserFactory(username="amy", role=Role.ADMIN, language="en")
    login(page, "amy")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in _pages(shop).items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "en", name
        page.screenshot(path=str(SCREENSHOTS / f"en-{name}.png"), full_page=False)
    page.goto(f"{live_server.url}/")
    assert "$1,130,439.50" in page.inner_text(".kpis")
