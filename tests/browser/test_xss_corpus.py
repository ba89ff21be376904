"""Stored XSS, attacked with a public corpus: every payload of brs-kb (an MIT-licensed XSS payload
knowledge base installed from PyPI, see the Makefile's DATA_PACKAGES) saved where customer text
lands, and every page that shows it opened in headless Chromium. No payload may run: no dialog,
no call of alert/confirm/prompt/print, no console error, no Content-Security-Policy violation.

The long texts (notes, ticket messages, article bodies) carry the whole corpus, in ten batches
each; the short fields (customer names, tags, product names) a deterministic sample of the
payloads that fit them (``SAMPLE`` each), as a list page shows only so many rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Note, Tag
from smartcrm.knowledge.models import Article
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BATCHES = 10
SAMPLE = 50
# Recorded in the page before any of its own scripts: CSP violations, and any of the calls that
# corpus payloads make to prove they ran (a dialog is also caught by Playwright itself).
WATCH = """
window.__xss = [];
document.addEventListener('securitypolicyviolation',
  e => window.__xss.push('csp ' + e.violatedDirective + ' ' + e.blockedURI));
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + ' ' + args.join(' ')); };
}
"""


def corpus() -> list[str]:
    brs_kb = pytest.importorskip("brs_kb", reason="the XSS corpus is a data package: make install")
    payloads = {entry["payload"] for entry in brs_kb.get_all_payloads().values() if entry.get("payload")}
    return sorted(p for p in payloads if p.strip() and "\x00" not in p)


def batches(payloads: list[str], count: int) -> list[str]:
    size = -(-len(payloads) // count)
    return ["\n\n".join(payloads[i : i + size]) for i in range(0, len(payloads), size)]


def sample(payloads: list[str], max_length: int) -> list[str]:
    fitting = [p for p in payloads if len(p) <= max_length]
    step = max(1, len(fitting) // SAMPLE)
    return fitting[::step][:SAMPLE]


@pytest.fixture
def watched(page: Page) -> list[str]:
    """What ran, page by page; a dialog is dismissed and counted."""
    ran: list[str] = []
    page.add_init_script(WATCH)
    page.on("dialog", lambda dialog: (ran.append(f"dialog {dialog.message}"), dialog.dismiss()))
    return ran


def test_no_payload_of_the_corpus_runs_on_any_page_that_shows_it(
    page: Page, login: Any, live_server: Any, watched: list[str]
) -> None:
    payloads = corpus()
    assert len(payloads) > 4000  # the whole corpus, not an empty install
    factories.UserFactory(username="ada-admin", role=Role.ADMIN)

    names = sample(payloads, 100)
    customers = [factories.CustomerFactory(first_name=p, last_name="", name=p) for p in names]
    main = customers[0]
    main.tags.set([Tag.objects.create(name=p) for p in sample(payloads, 50)])
    Note.objects.bulk_create([Note(customer=main, body=text) for text in batches(payloads, BATCHES)])
    ticket = factories.TicketFactory(customer=main, subject=names[1])
    for text in batches(payloads, BATCHES):
        factories.TicketMessageFactory(ticket=ticket, body=text)
    products = [factories.ProductFactory(name=product_name) for product_name in sample(payloads, 200)]
    orders = [factories.OrderFactory(customer=customer) for customer in customers]
    for order, product in zip(orders, products, strict=False):
        factories.OrderLineFactory(order=order, product=product)
    articles = [
        Article.objects.create(key=f"xss-{n}", title=names[n], body=text)
        for n, text in enumerate(batches(payloads, BATCHES))
    ]

    login(page, "ada-admin")
    pages = [
        "/customers/",
        f"/customers/{main.pk}/",
        "/inbox/",
        f"/inbox/{ticket.pk}/",
        "/products/",
        f"/products/{products[0].pk}/",
        "/orders/",
        f"/orders/{orders[0].pk}/",
        "/knowledge/",
        *(f"/knowledge/{article.pk}/" for article in articles),
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}", wait_until="load")
        page.wait_for_timeout(200)  # onerror/onload handlers of anything that did get through
        ran = watched + page.evaluate("window.__xss")
        assert ran == [], (path, ran[:5])
    shown = page.content()
    assert "&lt;" in shown  # the payloads are on the page, as text
