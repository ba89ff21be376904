"""Telegram's webhook: check the secret, turn an update into a turn of the chat's conversation.

The answer is a status code only. 403 for a wrong bot id or secret (compared in constant
time); 404 while the channel is off. Anything else is answered 200, even an update we cannot
read or do not handle (a photo, a group chat, an update seen before): Telegram re-sends an
update until it gets a 2xx, and a malformed one would come back for a day. Such updates are
logged by kind only — never the text, the chat or the sender.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping

from django.core.cache import cache

from smartcrm.core.errors import ServiceValidationError

from .. import services, shop_settings
from ..models import Channel, Conversation, ConversationMessage, ConversationState, Speaker
from .base import InboundMessage, language_of
from .delivery import deliver_later
from .telegram import TelegramAdapter
from .texts import say

logger = logging.getLogger("smartcrm.assistant.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
SEEN_SECONDS = 24 * 3600  # Telegram stops re-sending an update after a day
MAX_BODY = 256 * 1024


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def receive_update(*, bot_id: str, headers: Mapping[str, str], body: bytes) -> int:
    """Handle one webhook call; returns the HTTP status to answer with."""
    config = shop_settings.current()
    if not config.telegram_enabled or not config.telegram_bot_token:
        return 404
    if not _same(bot_id, config.telegram_bot_id) or not _same(
        headers.get(SECRET_HEADER, ""), config.telegram_webhook_secret
    ):
        logger.warning("telegram webhook: refused a call without the right bot id and secret")
        return 403
    try:
        update = json.loads(body[:MAX_BODY]) if len(body) <= MAX_BODY else None
    except ValueError:
        update = None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        logger.warning("telegram webhook: malformed update ignored")
        return 200
    inbound = TelegramAdapter().parse_inbound(update)
    if inbound is None:
        kinds = sorted(str(k) for k in update if k != "update_id")
        logger.info("telegram webhook: update of kind %s ignored", ",".join(kinds)[:80] or "none")
        return 200
    seen = f"assistant:telegram:{bot_id}:{update['update_id']}"
    if not cache.add(seen, 1, SEEN_SECONDS):
        return 200  # a re-sent update we have handled
    try:
        handle_message(inbound)
    except Exception:
        cache.delete(seen)  # let Telegram's retry try again
        raise
    return 200


def _conversation(inbound: InboundMessage) -> Conversation:
    """The chat's open conversation, or a new one."""
    conversation = (
        Conversation.objects.filter(channel=Channel.TELEGRAM, external_ref=inbound.external_ref)
        .exclude(state=ConversationState.CLOSED)
        .order_by("-updated_at")
        .first()
    )
    language = language_of(inbound.language_hint)
    return conversation or services.start_conversation(
        channel=Channel.TELEGRAM, language=language, external_ref=inbound.external_ref
    )


def handle_message(inbound: InboundMessage) -> ConversationMessage | None:
    """A customer's Telegram message: ``/start`` is greeted; anything else is a turn."""
    text = inbound.text.strip()
    conversation = _conversation(inbound)
    if text.startswith("/start"):
        welcome = ConversationMessage.objects.create(
            conversation=conversation,
            speaker=Speaker.ASSISTANT,
            body=say("telegram_welcome", conversation.language),
            reason="welcome",
        )
        deliver_later(welcome)
        return welcome
    if not text:
        return None
    try:
        return services.customer_says(conversation=conversation, text=text[: services.MAX_MESSAGE])
    except ServiceValidationError:
        logger.info("telegram webhook: a message the assistant refused was ignored")
        return None
