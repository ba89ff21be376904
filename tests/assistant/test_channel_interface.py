"""The channels' shared interface: one adapter per channel, pull channels deliver nothing, and a
message is delivered once however often its job runs."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.assistant import jobs, services, shop_settings
from smartcrm.assistant.channels import delivery
from smartcrm.assistant.channels.base import ChannelAdapter, DeliveryFailed, InboundMessage
from smartcrm.assistant.channels.registry import ADAPTERS, adapter_for
from smartcrm.assistant.channels.telegram import MAX_TEXT, chunks
from smartcrm.assistant.models import Channel, Conversation, ConversationMessage, Speaker
from smartcrm.core.errors import ServiceValidationError

pytestmark = pytest.mark.django_db


class Recording(ChannelAdapter):
    channel = Channel.TELEGRAM

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[str] = []
        self.fail = fail

    def deliver(self, conversation: Conversation, message: ConversationMessage) -> None:
        if self.fail:
            raise DeliveryFailed("the line is down")
        self.sent.append(message.body)


def test_every_channel_has_an_adapter_and_only_the_widget_and_api_are_pulled() -> None:
    assert set(ADAPTERS) == set(Channel.values)
    assert all(isinstance(adapter, ChannelAdapter) for adapter in ADAPTERS.values())
    assert {c for c, a in ADAPTERS.items() if not a.pushes} == {Channel.WIDGET, Channel.API}


def test_each_adapter_parses_what_its_channel_receives() -> None:
    widget = adapter_for(Channel.WIDGET).parse_inbound({"text": "hi", "language": "zh-Hans"})
    assert widget == InboundMessage(external_ref="", text="hi", language_hint="zh-Hans")
    assert adapter_for(Channel.WIDGET).parse_inbound({"text": 3}) is None
    telegram = adapter_for(Channel.TELEGRAM).parse_inbound(
        {"update_id": 1, "message": {"chat": {"id": 42, "type": "private"}, "text": "yo", "from": {}}}
    )
    assert telegram is not None and (telegram.external_ref, telegram.text) == ("42", "yo")
    mail = adapter_for(Channel.EMAIL).parse_inbound(
        b"From: Ann <ann@example.com>\r\nSubject: Re: Mug [#7]\r\nMessage-ID: <a@b>\r\n\r\nHello\r\n"
    )
    assert mail is not None and mail.sender == {"email": "ann@example.com", "name": "Ann"}
    assert (mail.text, mail.external_ref, mail.extra["subject"]) == ("Hello", "<a@b>", "Re: Mug [#7]")
    assert adapter_for(Channel.EMAIL).parse_inbound(b"no headers at all") is None


def test_a_widget_answer_starts_no_delivery(monkeypatch: Any, help_center: Any) -> None:
    started: list[int] = []
    monkeypatch.setattr(jobs.deliver_message, "on_commit", started.append)
    conversation = services.start_conversation(channel=Channel.WIDGET)
    reply = services.customer_says(conversation=conversation, text="can I talk to a human")
    assert started == [] and reply.delivered_at is None
    assert delivery.deliver(reply.pk) == "pulled by the client"


def test_a_message_is_delivered_once_and_a_failure_is_kept(monkeypatch: Any) -> None:
    adapter = Recording()
    monkeypatch.setitem(ADAPTERS, Channel.TELEGRAM, adapter)
    conversation = services.start_conversation(channel=Channel.TELEGRAM, external_ref="42")
    message = ConversationMessage.objects.create(conversation=conversation, speaker=Speaker.AGENT, body="Hi")
    assert [delivery.deliver(message.pk) for _ in range(3)] == ["delivered", *["already delivered"] * 2]
    assert adapter.sent == ["Hi"]
    customer = ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.CUSTOMER, body="x"
    )
    assert delivery.deliver(customer.pk) == "nothing to send"

    monkeypatch.setitem(ADAPTERS, Channel.TELEGRAM, Recording(fail=True))
    failing = ConversationMessage.objects.create(conversation=conversation, speaker=Speaker.AGENT, body="Yo")
    assert delivery.deliver(failing.pk) == "failed"
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_pending()
    failing.refresh_from_db()
    assert failing.delivered_at is None and failing.delivery_error == "the line is down"
    assert failing.delivery_attempts == delivery.MAX_ATTEMPTS  # then it is left for a person to look at


def test_always_hand_off_comes_from_the_page_or_the_environment(settings: Any, help_center: Any) -> None:
    settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF = False
    assert not shop_settings.always_hand_off()
    shop_settings.update_settings(actor="test", values={"always_hand_off": True})
    assert shop_settings.always_hand_off()
    conversation = services.start_conversation()
    assert services.customer_says(conversation=conversation, text="what are your shipping times?").reason == (
        "shop_setting"
    )
    shop_settings.update_settings(actor="test", values={"always_hand_off": False})
    settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF = True
    assert shop_settings.always_hand_off()


def test_settings_refuse_a_bad_mode_and_telegram_without_a_token() -> None:
    with pytest.raises(ServiceValidationError) as refused:
        shop_settings.update_settings(
            actor="test", values={"email_auto_reply": "shout", "telegram_enabled": True}
        )
    assert set(refused.value.errors) == {"email_auto_reply", "telegram_enabled"}


def test_long_telegram_texts_are_cut_at_line_breaks_within_the_limit() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(120))
    pieces = chunks(text)
    assert len(pieces) > 1 and all(0 < len(p) <= MAX_TEXT for p in pieces)
    assert "\n".join(pieces) == text and chunks("short") == ["short"] and chunks("") == []
    assert [len(p) for p in chunks("y" * (MAX_TEXT + 10))] == [MAX_TEXT, 10]
