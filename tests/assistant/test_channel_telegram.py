"""The Telegram channel against a fake Bot API (a real HTTP server in a thread, tests/fakes): the
webhook's secret, a chat as a conversation, answers and an agent's reply sent with sendMessage,
in English and Chinese; malformed updates answered 200 and logged without the customer's words."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.assistant import shop_settings
from smartcrm.assistant.channels import delivery
from smartcrm.assistant.models import Channel, Conversation, ConversationMessage, Speaker
from smartcrm.core.models import AuditEvent
from smartcrm.knowledge.models import Article
from smartcrm.support.services import reply_to_ticket
from tests.factories import CustomerFactory
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.django_db

BOT_ID = "4839574812"
TOKEN = f"{BOT_ID}:AAHk3x_9dT-pW2vQ8rLmN4sYbZ0cJ1eF6gU"
CHAT = 731004512
UPDATE_IDS = count(900_000_001)


@pytest.fixture
def bot(settings: Any, help_center: dict[tuple[str, str], Article]) -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        settings.SMARTCRM_TELEGRAM_API_BASE = fake.url
        settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF = False
        shop_settings.update_settings(
            actor="test", values={"telegram_bot_token": TOKEN, "telegram_enabled": True}
        )
        yield fake


def _secret() -> str:
    return shop_settings.current().telegram_webhook_secret


def _update(text: str | None = "hello", chat: int = CHAT, **message: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": 1,
        "date": 1_765_000_000,
        "chat": {"id": chat, "type": "private", "first_name": "Ann"},
        "from": {"id": chat, "is_bot": False, "first_name": "Ann", "language_code": "en"},
        **message,
    }
    if text is not None:
        body["text"] = text
    return {"update_id": next(UPDATE_IDS), "message": body}


def _post(
    capture: Any, payload: Any, *, secret: str | None = None, bot_id: str = BOT_ID, raw: bytes | None = None
) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": _secret() if secret is None else secret}
    with capture(execute=True):
        response = Client().post(
            f"/hooks/telegram/{bot_id}",
            data=raw if raw is not None else json.dumps(payload),
            content_type="application/json",
            headers=headers,
        )
    return int(response.status_code)


def test_a_question_is_answered_in_the_chat(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    assert (
        _post(django_capture_on_commit_callbacks, _update("how many days do i have to send stuff back?"))
        == 200
    )
    (text,) = bot.sent(CHAT)
    assert "30 days" in text and "Source: Returns policy" in text
    conversation = Conversation.objects.get(channel=Channel.TELEGRAM, external_ref=str(CHAT))
    reply = conversation.messages.get(speaker=Speaker.ASSISTANT)
    assert reply.delivered_at is not None and reply.action == "answer"
    assert _post(django_capture_on_commit_callbacks, _update("and what about shipping to Canada?")) == 200
    assert Conversation.objects.filter(channel=Channel.TELEGRAM).count() == 1  # one chat, one conversation


def test_chinese_in_the_chat_is_answered_in_chinese(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    update = _update("买的东西不想要了，多久之内能退？")
    update["message"]["from"]["language_code"] = "zh-hans"
    assert _post(django_capture_on_commit_callbacks, update) == 200
    (text,) = bot.sent(CHAT)
    assert "来源：退货政策" in text
    assert Conversation.objects.get(external_ref=str(CHAT)).language == "zh-Hans"


def test_start_is_greeted_in_the_users_language(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    update = _update("/start")
    update["message"]["from"]["language_code"] = "zh-hans"
    _post(django_capture_on_commit_callbacks, update)
    (text,) = bot.sent(CHAT)
    assert "人工" in text


@pytest.mark.parametrize(
    ("language", "ask", "agent_reply"),
    [
        ("en", "can I talk to a human please", "Hi Ann, your parcel left our warehouse today."),
        ("zh-hans", "我要人工客服", "您好，您的包裹今天已经从仓库发出。"),
    ],
)
def test_a_handoff_and_the_agents_reply_from_the_ticket_reach_the_chat(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any, language: str, ask: str, agent_reply: str
) -> None:
    CustomerFactory(email="ann@example.com")
    first = _update(ask)
    first["message"]["from"]["language_code"] = language
    _post(django_capture_on_commit_callbacks, first)
    _post(django_capture_on_commit_callbacks, _update("ann@example.com"))
    conversation = Conversation.objects.get(external_ref=str(CHAT))
    ticket = conversation.ticket
    assert ticket is not None and f"#{ticket.pk}" in bot.sent(CHAT)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_ticket(actor="test", ticket=ticket, body=agent_reply)
        reply_to_ticket(actor="test", ticket=ticket, body="internal: carrier delay", internal=True)
    assert bot.sent(CHAT)[-1] == agent_reply
    assert not any("internal" in text for text in bot.sent(CHAT))
    agent = conversation.messages.get(speaker=Speaker.AGENT)
    assert agent.delivered_at is not None
    assert delivery.deliver(agent.pk) == "already delivered"
    assert bot.sent(CHAT).count(agent_reply) == 1


@pytest.mark.parametrize(("secret", "bot_id"), [("", BOT_ID), ("wrong-secret", BOT_ID), (None, "1111111111")])
def test_calls_without_the_secret_are_refused(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any, secret: str | None, bot_id: str
) -> None:
    assert _post(django_capture_on_commit_callbacks, _update(), secret=secret, bot_id=bot_id) == 403
    assert bot.calls == [] and not Conversation.objects.exists()


def test_the_webhook_is_closed_while_the_channel_is_off(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    secret = _secret()
    shop_settings.update_settings(actor="test", values={"telegram_enabled": False})
    assert _post(django_capture_on_commit_callbacks, _update(), secret=secret) == 404


def test_malformed_and_unhandled_updates_are_answered_200_and_logged_without_pii(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO)
    private = "my card is 4111 1111 1111 1111"
    group = _update(private)
    group["message"]["chat"]["type"] = "group"
    cases = [
        _post(django_capture_on_commit_callbacks, None, raw=b"{not json " + private.encode()),
        _post(django_capture_on_commit_callbacks, {"message": {"text": private}}),  # no update_id
        _post(django_capture_on_commit_callbacks, _update(None, photo=[{"file_id": "x"}])),
        _post(django_capture_on_commit_callbacks, group),
        _post(django_capture_on_commit_callbacks, {"update_id": 5, "edited_message": {"text": private}}),
    ]
    assert cases == [200] * 5
    assert bot.calls == [] and not Conversation.objects.exists()
    assert "4111" not in caplog.text and str(CHAT) not in caplog.text and TOKEN not in caplog.text


def test_an_update_sent_twice_is_answered_once(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    update = _update("how many days do i have to send stuff back?")
    assert _post(django_capture_on_commit_callbacks, update) == 200
    assert _post(django_capture_on_commit_callbacks, update) == 200
    assert len(bot.sent(CHAT)) == 1
    assert ConversationMessage.objects.filter(speaker=Speaker.CUSTOMER).count() == 1


def test_send_message_retries_a_server_error_and_keeps_a_refusal(
    bot: FakeTelegram, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("smartcrm.assistant.channels.telegram.BACKOFF_SECONDS", (0.01, 0.01))
    bot.fail_next(500)
    bot.fail_next(429, "Too Many Requests: retry after 0", retry_after=0)
    _post(django_capture_on_commit_callbacks, _update("how many days do i have to send stuff back?"))
    assert [c.method for c in bot.calls] == ["sendMessage"] * 3 and len(bot.sent(CHAT)) == 3
    reply = ConversationMessage.objects.get(speaker=Speaker.ASSISTANT)
    assert reply.delivered_at is not None and reply.delivery_attempts == 1

    bot.fail_next(403, "Forbidden: bot was blocked by the user")
    _post(django_capture_on_commit_callbacks, _update("do you ship to Canada?"))
    failed = ConversationMessage.objects.filter(speaker=Speaker.ASSISTANT).last()
    assert failed is not None and failed.delivered_at is None
    assert failed.delivery_error == "sendMessage: HTTP 403 Forbidden: bot was blocked by the user"
    assert len(bot.calls) == 4  # a refusal is not retried at once
    assert (
        delivery.deliver_pending() == 1
        and failed.conversation.messages.filter(delivered_at=None).count() == 2
    )


def test_set_webhook_sends_the_url_and_the_secret(bot: FakeTelegram) -> None:
    out = io.StringIO()
    call_command("telegram", "set-webhook", "https://crm.shop.example", stdout=out)
    (call,) = bot.calls
    assert call.method == "setWebhook"
    assert call.params["url"] == f"https://crm.shop.example/hooks/telegram/{BOT_ID}"
    assert call.params["secret_token"] == _secret() and len(_secret()) >= 32
    assert _secret() not in out.getvalue() and TOKEN not in out.getvalue()


def test_the_settings_page_keeps_the_token_secret_and_audits_changes(
    bot: FakeTelegram, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user(Role.SUPPORT, username="sam"))
    assert client.get("/settings/assistant/").status_code == 403
    client.force_login(make_user(Role.ADMIN, username="ada"))
    page = client.get("/settings/assistant/")
    assert (
        page.status_code == 200
        and TOKEN not in page.content.decode()
        and "A token is stored" in page.content.decode()
    )
    new_token = f"{BOT_ID}:BBHk3x_9dT-pW2vQ8rLmN4sYbZ0cJ1eF6gZ"
    old_secret = _secret()
    response = client.post(
        "/settings/assistant/",
        {
            "email_auto_reply": "answer",
            "always_hand_off": "on",
            "telegram_enabled": "on",
            "telegram_bot_token": new_token,
        },
    )
    assert response.status_code == 302
    config = shop_settings.current()
    assert (config.email_auto_reply, config.always_hand_off, config.telegram_bot_token) == (
        "answer",
        True,
        new_token,
    )
    assert _secret() != old_secret  # a new token gets a new webhook secret
    event = AuditEvent.objects.get(object_type="assistant.assistantsettings", actor_label="ada")
    assert event.changes["telegram_bot_token"] == "changed" and new_token not in json.dumps(event.changes)
    assert event.changes["email_auto_reply"] == {"from": "off", "to": "answer"}
    assert shop_settings.always_hand_off()
    bad = client.post("/settings/assistant/", {"email_auto_reply": "answer", "telegram_bot_token": "nope"})
    assert bad.status_code == 200 and "Not a bot token" in bad.content.decode()
