"""The chat widget in headless Chromium, embedded on a page of ANOTHER origin with a strict CSP
(no 'unsafe-inline'): the customer asks for an order's status and gets it, asks for a person, an
agent answers from the inbox in a second browser, and the customer sees the answer in the widget.
In English (email and order number) and in Chinese (a signed identity token from the shop's page).

The host page is served by a small http.server started here, on another port than the live
server; the page fixture fails the test on any console error, so a CSP violation or a refused
CORS request fails it too."""

from __future__ import annotations

import html
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.assistant.identity import sign_identity
from smartcrm.assistant.models import Conversation, Speaker
from smartcrm.attachments.models import Attachment
from smartcrm.demo.help_center import HELP_CENTER
from smartcrm.knowledge import indexing
from smartcrm.knowledge.imports import import_articles
from smartcrm.knowledge.reading import read_path
from smartcrm.orders.models import OrderStatus
from tests import factories
from tests.attachments import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """A turn runs the real search and models in the live server (the first one loads them)."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other browser tests


@pytest.fixture
def shop(settings: Any) -> dict[str, Any]:
    """The help center (indexed), a support agent, and Ann with a shipped order. Each test
    imports the help center: a transactional test empties the tables when it ends."""
    settings.SMARTCRM_ASSISTANT_IDENTITY_SECRET = "shop-secret"
    indexing.forget_index()
    import_articles(actor="test", items=read_path(HELP_CENTER))
    indexing.sync_index()
    factories.UserFactory(username="sam", role=Role.SUPPORT)
    ann = factories.CustomerFactory(email="ann@example.com", name="Ann Smith")
    order = factories.OrderFactory(customer=ann, number="10023", status=OrderStatus.SHIPPED)
    yield {"ann": ann, "order": order}
    indexing.forget_index()


@pytest.fixture
def shop_site(live_server: Any, settings: Any) -> Iterator[Callable[..., str]]:
    """Serves a shop page from http://127.0.0.1:<another port> that embeds the widget from the
    live server (http://localhost:<port>), with a CSP a careful shop would set; the chat API
    lists that origin in SMARTCRM_WIDGET_ORIGINS. Returns a function making a page's URL."""
    crm = live_server.url
    pages: dict[str, bytes] = {}
    policy = (
        f"default-src 'self'; script-src 'self' {crm}; style-src 'self' {crm}; "
        f"connect-src 'self' {crm}; img-src 'self'; base-uri 'self'"
    )

    class ShopPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            body = pages.get(path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadingHTTPServer(("127.0.0.1", port), ShopPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{port}"
    settings.SMARTCRM_WIDGET_ORIGINS = [origin]
    assert origin != crm  # 127.0.0.1:<port> and localhost:<another port>

    def page_url(name: str, language: str, identity_token: str = "", max_file_mb: int = 0) -> str:
        token = f' data-identity-token="{html.escape(identity_token)}"' if identity_token else ""
        token += f' data-max-file-mb="{max_file_mb}"' if max_file_mb else ""
        pages[f"/{name}.html"] = (
            f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>Shop</title>'
            f'<script src="{crm}/static/widget/chat.js" data-smartcrm-url="{crm}" '
            f'data-language="{language}"{token} defer></script></head>'
            "<body><h1>The shop</h1><p>Our products.</p></body></html>"
        ).encode()
        return f"{origin}/{name}.html"

    yield page_url
    server.shutdown()
    server.server_close()


def _agent_replies(browser: Browser, login: Any, live_server: Any, ticket_id: int, body: str) -> None:
    """A support agent, in a browser of their own, answers the ticket from the inbox."""
    context = browser.new_context()
    agent = context.new_page()
    errors: list[str] = []
    agent.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        login(agent, "sam")
        agent.goto(f"{live_server.url}/inbox/{ticket_id}/")
        expect(agent.locator(".msg-customer").first).to_be_visible()
        agent.fill("#reply textarea[name=body]", body)
        agent.get_by_role("button", name="Send").click()
        expect(agent.locator(".flash-success")).to_contain_text("Reply sent.")
    finally:
        context.close()
    assert errors == [], errors


def _send(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message").or_(page.get_by_role("textbox", name="您的消息"))
    box.fill(text)
    box.press("Enter")


def test_english_customer_gets_order_status_and_an_agents_answer_on_another_origin(
    page: Page, browser: Browser, login: Any, live_server: Any, shop: dict[str, Any], shop_site: Any
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(shop_site("shop", "en"))
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Customer service")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")

    _send(page, "where is my order?")
    expect(log).to_contain_text("Please send the email address you ordered with")
    _send(page, "ann@example.com #10023")
    answer = log.locator(".smartcrm-chat__msg--assistant").last
    expect(answer).to_contain_text("Order #10023")
    expect(answer).to_contain_text("shipped")

    # A help-center answer cites its article by title.
    _send(page, "how many days do i have to send stuff back?")
    expect(log.locator(".smartcrm-chat__source").first).to_have_text("Returns policy")

    # A reload keeps the conversation (the token is in localStorage) and the open panel.
    page.reload()
    expect(page.get_by_role("log")).to_contain_text("Order #10023")
    assert Conversation.objects.count() == 1
    conversation = Conversation.objects.get()
    assert conversation.identity_verified and conversation.customer == shop["ann"]

    _send(page, "can I talk to a human please")
    expect(log).to_contain_text("I am passing you to a colleague")
    conversation.refresh_from_db()
    assert conversation.ticket is not None

    _agent_replies(browser, login, live_server, conversation.ticket.pk, f"Hi Ann, it arrives tomorrow. {XSS}")
    agent_message = log.locator(".smartcrm-chat__msg--agent")
    expect(agent_message).to_contain_text("Hi Ann, it arrives tomorrow.")
    expect(agent_message).to_contain_text(XSS)  # shown as text, never parsed

    _send(page, f"thanks! {XSS}")
    expect(log).to_contain_text("a colleague has your message")
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert conversation.messages.filter(speaker=Speaker.AGENT).count() == 1

    # Keyboard: Escape closes the panel and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_chinese_customer_signed_in_on_the_shop_site(
    page: Page, browser: Browser, login: Any, live_server: Any, shop: dict[str, Any], shop_site: Any
) -> None:
    page.goto(shop_site("zh", "zh-Hans", identity_token=sign_identity("ann@example.com")))
    page.get_by_role("button", name="在线客服").click()
    expect(page.get_by_role("dialog", name="客服中心")).to_be_visible()
    expect(page.get_by_role("button", name="发送")).to_be_visible()
    log = page.get_by_role("log")

    _send(page, "我的订单到哪了？")
    answer = log.locator(".smartcrm-chat__msg--assistant").last
    expect(answer).to_contain_text("订单 #10023")
    expect(answer).to_contain_text("已发货")
    conversation = Conversation.objects.get()
    assert (conversation.language, conversation.identity_verified) == ("zh-Hans", True)

    _send(page, "我要转人工")
    expect(log).to_contain_text("正在为您转接人工客服")
    conversation.refresh_from_db()
    assert conversation.ticket is not None

    _agent_replies(browser, login, live_server, conversation.ticket.pk, "您好，包裹明天送达。")
    agent_message = log.locator(".smartcrm-chat__msg--agent")
    expect(agent_message).to_contain_text("您好，包裹明天送达。")
    expect(agent_message.locator(".smartcrm-chat__who")).to_have_text("人工客服")


def test_the_demo_page_shows_the_widget_at_work(
    page: Page, login: Any, live_server: Any, shop: dict[str, Any]
) -> None:
    """What `make demo` shows: from the Conversations page to the demo shop page (same origin,
    its own strict CSP), a question answered with its article."""
    login(page, "sam")
    page.goto(f"{live_server.url}/conversations/")
    page.get_by_role("link", name="Try the chat widget").click()
    page.get_by_role("button", name="Chat with us").click()
    _send(page, "how many days do i have to send stuff back?")
    expect(page.locator(".smartcrm-chat__source").first).to_have_text("Returns policy")
    page.get_by_role("link", name="中文").click()
    # The same conversation, still open, in a Chinese UI.
    expect(page.get_by_role("button", name="在线客服")).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("log")).to_contain_text("how many days do i have to send stuff back?")


def test_a_customer_sends_a_photo_from_the_widget_and_a_hostile_file_is_refused_with_the_reason(
    browser: Browser, shop_site: Any, settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }
    # Its own page: the refused file's 422 is logged by the browser, and only that may be.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(shop_site("files", "en", max_file_mb=1))
        page.get_by_role("button", name="Chat with us").click()
        attach = page.get_by_role("button", name="Send a photo, a voice message or a text file")
        log = page.get_by_role("log")
        status = page.locator(".smartcrm-chat__status")

        # The button opens the file chooser; the photo starts a conversation and is stored on it.
        with page.expect_file_chooser() as chooser:
            attach.click()
        chooser.value.set_files(
            {"name": "damage.jpg", "mimeType": "image/jpeg", "buffer": files.jpeg_with_gps()}
        )
        expect(log.locator(".smartcrm-chat__msg--file")).to_have_text("YouSent: damage.jpg")
        attachment = Attachment.objects.get()
        assert (attachment.owner_kind, attachment.source, attachment.kind) == (
            "conversation",
            "chat",
            "image",
        )
        assert attachment.owner_id == Conversation.objects.get().pk

        # An SVG with a script, named as a photo: refused by its bytes, the server's reason shown.
        page.set_input_files(
            "#smartcrm-chat-file",
            {"name": "photo.png", "mimeType": "image/png", "buffer": b"<svg><script>alert(1)</script></svg>"},
        )
        expect(status).to_contain_text("SVG")
        # Over the page's limit (data-max-file-mb="1"): refused in the page, never sent.
        page.set_input_files(
            "#smartcrm-chat-file",
            {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (1024 * 1024 + 1)},
        )
        expect(status).to_have_text("The file is larger than 1 MB.")
        assert Attachment.objects.count() == 1
        expect(log.locator(".smartcrm-chat__msg--file")).to_have_count(1)

        # A message after the photo, then a reload: the photo is still shown, where it was sent.
        page.get_by_label("Your message").fill("The handle came off, see the photo.")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(log.locator(".smartcrm-chat__msg--assistant")).to_have_count(2)
        page.reload()
        items = page.get_by_role("log").locator(".smartcrm-chat__msg")
        expect(items.nth(1)).to_have_text("YouSent: damage.jpg")
        expect(items.nth(2)).to_have_text("YouThe handle came off, see the photo.")
        expect(page.get_by_role("log").locator(".smartcrm-chat__msg--file")).to_have_count(1)
    finally:
        context.close()
    assert len(errors) == 1 and "422" in errors[0], errors
