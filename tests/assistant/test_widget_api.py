"""The chat widget's public API: a visitor's conversation by its token, field-level errors, CORS
for the listed shop origins only, no cookies or CSRF, and rate limits answered 429.

Every response is checked against the chat API's own OpenAPI document."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from smartcrm.api.chat import chat_api
from smartcrm.assistant import services
from smartcrm.assistant.identity import sign_identity
from smartcrm.assistant.models import Channel, Conversation, ConversationState
from smartcrm.knowledge.models import Article
from smartcrm.orders.models import OrderStatus
from smartcrm.support.services import reply_to_ticket
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

CHAT = "/api/v1/chat"
SHOP = "https://shop.example"


@cache
def _document() -> dict[str, Any]:
    return json.loads(json.dumps(chat_api.get_openapi_schema()))


def _check(method: str, path: str, response: Any) -> None:
    """The status is declared for the operation and the body matches its schema."""
    template = path.split("?", 1)[0].removeprefix(CHAT)
    operation = _document()["paths"][f"{CHAT}{template}"][method.lower()]
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method} {path} answered {status}: {response.content[:300]!r}"
    schema = {
        **declared[status]["content"]["application/json"]["schema"],
        "components": _document()["components"],
    }
    errors = list(Draft202012Validator(schema).iter_errors(response.json()))
    assert not errors, errors[0]


class Visitor:
    """A browser on the shop's site: JSON to the chat API, the token in its header once known."""

    def __init__(self, origin: str = SHOP, ip: str = "203.0.113.7", **client_kwargs: Any) -> None:
        self.client = Client(REMOTE_ADDR=ip, **client_kwargs)
        self.origin = origin
        self.token = ""

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        headers = {"Origin": self.origin, **({"X-Chat-Token": self.token} if self.token else {}), **headers}
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        response = getattr(self.client, method.lower())(f"{CHAT}{path}", **kwargs)
        _check(method, path, response)
        return response

    def start(self, **body: Any) -> dict[str, Any]:
        response = self.call("POST", "/conversations", {"language": "en", **body})
        assert response.status_code == 201, response.content
        self.token = response.json()["token"]
        return response.json()

    def say(self, text: str) -> Any:
        return self.call("POST", "/conversation/messages", {"text": text})


@pytest.fixture(autouse=True)
def _fresh_counters(settings: Any) -> None:
    settings.SMARTCRM_WIDGET_ORIGINS = [SHOP]
    settings.SMARTCRM_ASSISTANT_IDENTITY_SECRET = "shop-secret"
    django_cache.clear()


@pytest.fixture
def shop(help_center: dict[tuple[str, str], Article]) -> dict[str, Any]:
    ann = CustomerFactory(email="ann@example.com")
    return {"ann": ann, "order": OrderFactory(customer=ann, number="10023", status=OrderStatus.SHIPPED)}


def test_the_chat_document_is_valid_openapi_and_has_no_security(db: Any) -> None:
    validate(_document())
    assert Client().get(f"{CHAT}/openapi.json").json() == _document()
    for operations in _document()["paths"].values():
        for operation in operations.values():
            assert "security" not in operation and "429" in operation["responses"]


def test_start_talk_and_reopen_by_token(shop: dict[str, Any]) -> None:
    visitor = Visitor()
    started = visitor.start(language="zh-CN")
    assert (started["language"], started["state"], started["identified"]) == ("zh-Hans", "bot", False)
    assert started["messages"] == []

    turn = visitor.say("how many days do i have to send stuff back?")
    assert turn.status_code == 201
    customer, reply = turn.json()["messages"]
    assert (customer["speaker"], customer["body"]) == (
        "customer",
        "how many days do i have to send stuff back?",
    )
    assert reply["speaker"] == "assistant" and "30 days" in reply["body"]
    assert reply["citations"] == [
        {"article_id": reply["citations"][0]["article_id"], "title": "Returns policy"}
    ]

    # A reload: the same token opens the same conversation, language switched by what was written.
    again = Visitor()
    again.token = visitor.token
    reopened = again.call("GET", "/conversation").json()
    assert [m["id"] for m in reopened["messages"]] == [customer["id"], reply["id"]]
    assert reopened["language"] == "en"
    since = again.call("GET", f"/conversation/messages?after={customer['id']}").json()
    assert [m["id"] for m in since["messages"]] == [reply["id"]]


def test_order_status_after_email_and_order_number_then_a_person_answers(
    shop: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Visitor()
    visitor.start()
    assert visitor.say("where is my order?").json()["messages"][1]["body"].startswith("I can look that up")
    status = visitor.say("ann@example.com #10023").json()["messages"][1]["body"]
    assert "#10023" in status and "shipped" in status

    handed = visitor.say("can I talk to a human please").json()
    assert handed["state"] == ConversationState.HANDED_OFF
    conversation = Conversation.objects.get(public_token=visitor.token)
    assert conversation.ticket is not None
    last = handed["messages"][-1]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_ticket(actor="test", ticket=conversation.ticket, body="Hi Ann, it arrives tomorrow.")
    update = visitor.call("GET", f"/conversation/messages?after={last}").json()
    assert [(m["speaker"], m["body"]) for m in update["messages"]] == [
        ("agent", "Hi Ann, it arrives tomorrow.")
    ]


def test_a_signed_token_identifies_at_start_or_later(shop: dict[str, Any]) -> None:
    visitor = Visitor()
    assert visitor.start(identity_token=sign_identity("ann@example.com"))["identified"] is True
    assert "#10023" in visitor.say("has my order shipped").json()["messages"][1]["body"]

    later = Visitor()
    later.start()
    answer = later.call("POST", "/conversation/identity", {"token": sign_identity("ann@example.com")})
    assert answer.status_code == 200 and answer.json() == {"identified": True}
    assert Conversation.objects.get(public_token=later.token).customer == shop["ann"]


def test_a_bad_signed_token_is_a_field_error_and_starts_nothing(db: Any) -> None:
    visitor = Visitor()
    refused = visitor.call("POST", "/conversations", {"identity_token": "eyJlbWFpbCI6ImFubiJ9.forged"})
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["detail"]] == [["body", "payload", "identity_token"]]
    assert not Conversation.objects.exists()
    visitor.start()
    wrong = visitor.call("POST", "/conversation/identity", {"token": "forged.token"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "payload", "token"]
    assert wrong.json()["detail"][0]["msg"] == "This sign-in token is not valid."


def test_unknown_or_missing_token(db: Any) -> None:
    visitor = Visitor()
    visitor.token = "no-such-conversation"
    for method, path, body in [
        ("GET", "/conversation", None),
        ("GET", "/conversation/messages?after=0", None),
        ("POST", "/conversation/messages", {"text": "hello"}),
        ("POST", "/conversation/identity", {"token": "x.y"}),
    ]:
        response = visitor.call(method, path, body)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    visitor.token = services.start_conversation(channel=Channel.TELEGRAM).public_token
    assert visitor.call("GET", "/conversation").status_code == 404  # the widget's conversations only
    visitor.token = ""
    missing = visitor.call("GET", "/conversation")
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["header", "X-Chat-Token"]


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/conversation/messages", {"text": "   "}, ["body", "payload", "text"]),
        ("/conversation/messages", {"text": "x" * 4001}, ["body", "payload", "text"]),
        ("/conversation/messages", {"text": "nul \x00 byte"}, ["body", "payload", "text"]),
        ("/conversation/messages", {}, ["body", "payload", "text"]),
        ("/conversations", {"language": "<script>"}, ["body", "payload", "language"]),
    ],
)
def test_field_level_validation(db: Any, path: str, body: dict[str, Any], loc: list[str]) -> None:
    visitor = Visitor()
    visitor.start()
    response = visitor.call("POST", path, body)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [loc]


def test_after_must_be_a_non_negative_id(db: Any) -> None:
    visitor = Visitor()
    visitor.start()
    response = visitor.call("GET", "/conversation/messages?after=-1")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "after"]


def test_a_closed_conversation_takes_no_more_messages(db: Any) -> None:
    visitor = Visitor()
    visitor.start()
    Conversation.objects.filter(public_token=visitor.token).update(state=ConversationState.CLOSED)
    response = visitor.say("hello?")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == [
        "body",
        "payload",
        "conversation",
    ]


def test_cors_for_the_listed_origin_only(db: Any) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-chat-token",
    }
    allowed = Client().options(f"{CHAT}/conversation/messages", headers={"Origin": SHOP, **preflight})
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == SHOP
    assert "x-chat-token" in allowed["Access-Control-Allow-Headers"].lower()
    assert set(allowed["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST"}
    assert "Access-Control-Allow-Credentials" not in allowed and "Origin" in allowed["Vary"]

    other = Client().options(f"{CHAT}/conversations", headers={"Origin": "https://evil.example", **preflight})
    assert other.status_code == 403 and "Access-Control-Allow-Origin" not in other

    started = Visitor(origin=SHOP).call("POST", "/conversations", {"language": "en"})
    assert started["Access-Control-Allow-Origin"] == SHOP
    assert "Retry-After" in started["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in started
    assert "no-store" in started["Cache-Control"]  # a customer's conversation, never cached
    foreign = Visitor(origin="https://evil.example").call("POST", "/conversations", {"language": "en"})
    assert foreign.status_code == 201 and "Access-Control-Allow-Origin" not in foreign

    # Nothing else opens up: the staff API and pages answer a listed origin without CORS headers.
    for path in ("/api/v1/customers/", "/api/v1/chat-not/", "/inbox/"):
        response = Client().options(path, headers={"Origin": SHOP, **preflight})
        assert "Access-Control-Allow-Origin" not in response, path


def test_a_body_must_be_declared_json(db: Any) -> None:
    """A cross-origin "simple" request (no preflight) cannot start or post anything."""
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = Client().post(
            f"{CHAT}/conversations", data='{"language": "en"}', content_type=content_type
        )
        _check("POST", "/conversations", response)
        assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert not Conversation.objects.exists()


def test_no_cookie_and_no_csrf_token_needed(db: Any) -> None:
    visitor = Visitor(enforce_csrf_checks=True)
    response = visitor.call("POST", "/conversations", {"language": "en"})
    assert response.status_code == 201 and not response.cookies
    visitor.token = response.json()["token"]
    assert visitor.say("hello").status_code == 201


def test_messages_per_conversation_are_limited(db: Any, settings: Any) -> None:
    settings.SMARTCRM_WIDGET_MESSAGES_PER_MINUTE = 2
    visitor = Visitor()
    visitor.start()
    assert [visitor.say(f"hello {i}").status_code for i in range(2)] == [201, 201]
    limited = visitor.say("hello again")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["Access-Control-Allow-Origin"] == SHOP  # the widget can read the answer
    other = Visitor()
    other.start()
    assert other.say("hello").status_code == 201  # another conversation has its own count


def test_requests_and_starts_per_ip_are_limited(db: Any, settings: Any) -> None:
    settings.SMARTCRM_WIDGET_STARTS_PER_HOUR = 2
    visitor = Visitor(ip="198.51.100.1")
    assert [visitor.call("POST", "/conversations", {}).status_code for _ in range(3)] == [201, 201, 429]
    assert Visitor(ip="198.51.100.2").call("POST", "/conversations", {}).status_code == 201

    settings.SMARTCRM_WIDGET_REQUESTS_PER_MINUTE = 3
    django_cache.clear()
    poller = Visitor(ip="198.51.100.3")
    poller.start()
    codes = [poller.call("GET", "/conversation/messages?after=0").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    stranger = Visitor(ip="198.51.100.3")
    stranger.token = "unknown"
    assert stranger.call("GET", "/conversation").status_code == 429  # guessing tokens counts too


def test_the_client_address_behind_trusted_proxies(db: Any, settings: Any) -> None:
    settings.SMARTCRM_WIDGET_REQUESTS_PER_MINUTE = 1
    settings.SMARTCRM_PROXY_HOPS = 1
    proxy = "10.0.0.1"
    first = Visitor(ip=proxy).call(
        "POST", "/conversations", {}, **{"X-Forwarded-For": "1.1.1.1, 198.51.100.9"}
    )
    second = Visitor(ip=proxy).call("POST", "/conversations", {}, **{"X-Forwarded-For": "198.51.100.10"})
    # A client cannot choose its address: only the entry the trusted proxy appended counts.
    spoofed = Visitor(ip=proxy).call(
        "POST", "/conversations", {}, **{"X-Forwarded-For": "7.7.7.7, 198.51.100.9"}
    )
    assert [first.status_code, second.status_code, spoofed.status_code] == [201, 201, 429]


def test_the_widgets_texts_come_from_the_javascript_catalog_in_the_pages_language(settings: Any) -> None:
    settings.SMARTCRM_WIDGET_ORIGINS = {SHOP}
    client = Client(HTTP_ORIGIN=SHOP, HTTP_ACCEPT_LANGUAGE="en")  # the page's language, not the browser's
    chinese = client.get(f"{CHAT}/strings?language=zh-hans")
    _check("GET", "/strings", chinese)
    assert chinese["Access-Control-Allow-Origin"] == SHOP
    catalog = chinese.json()["catalog"]
    assert catalog["Chat with us"] == "在线客服"
    assert catalog["Too many messages. Please wait {s} seconds."] == "消息太频繁，请 {s} 秒后再试。"
    english = client.get(f"{CHAT}/strings?language=en")
    assert english.json() == {"language": "en", "catalog": {}}
    refused = client.get(f"{CHAT}/strings?language=fr")
    _check("GET", "/strings", refused)
    assert refused.status_code == 422


def test_every_text_of_the_widget_is_in_the_catalog() -> None:
    from pathlib import Path

    import smartcrm
    from smartcrm.assistant.widget_strings import widget_catalog

    source = (Path(smartcrm.__file__).parent / "web/static/widget/chat.js").read_text(encoding="utf-8")
    marked = re.findall(r'gettext_noop\("([^"]+)"\)', source)
    assert len(marked) == 21  # with the file button's four
    assert [text for text in marked if text not in widget_catalog("zh-hans")] == []
