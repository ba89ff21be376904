"""The Telegram channel's adapter and a small Bot API client (webhook mode).

Telegram posts each update to ``/hooks/telegram/<bot id>`` with the secret we gave it in
``setWebhook`` in the ``X-Telegram-Bot-Api-Secret-Token`` header (:mod:`.telegram_hook` checks
it). A private chat is one conversation, keyed by the chat id. Replies go out with
``sendMessage`` to ``SMARTCRM_TELEGRAM_API_BASE`` (``https://api.telegram.org``), with a
timeout and a few retries on network errors, 5xx and 429 (honouring ``retry_after``).

Nothing here logs or stores the token (it is part of every Bot API URL), a chat id or a text.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from .. import shop_settings
from ..models import Channel, Conversation, ConversationMessage
from .base import ChannelAdapter, DeliveryFailed, InboundMessage

logger = logging.getLogger("smartcrm.assistant.telegram")

TIMEOUT_SECONDS = 10
ATTEMPTS = 3
BACKOFF_SECONDS = (0.5, 1.5)
MAX_RETRY_AFTER = 5
MAX_TEXT = 4096  # Telegram's limit for one message


class BotApiError(DeliveryFailed):
    """The Bot API refused a call or could not be reached (the text names the method, not the token)."""


class BotApi:
    """The few Bot API methods the channel needs; every call is JSON in, ``{"ok": …}`` out."""

    def __init__(self, token: str, base: str | None = None) -> None:
        if not token:
            raise BotApiError("no Telegram bot token is set")
        self._token = token
        self._base = (base or settings.SMARTCRM_TELEGRAM_API_BASE).rstrip("/")

    def call(self, method: str, params: dict[str, Any]) -> Any:
        url = f"{self._base}/bot{self._token}/{method}"
        data = json.dumps(params).encode()
        for attempt in range(ATTEMPTS):
            request = urllib.request.Request(  # noqa: S310 - the base is the configured Bot API
                url, data=data, headers={"Content-Type": "application/json"}, method="POST"
            )
            retry_in: float | None = None
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                    answer = json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as exc:
                answer = _json_or_empty(exc)
                if exc.code == 429 or exc.code >= 500:
                    after = (answer.get("parameters") or {}).get("retry_after") if exc.code == 429 else None
                    retry_in = min(float(after), MAX_RETRY_AFTER) if isinstance(after, int | float) else None
                    error = f"{method}: HTTP {exc.code}"
                else:
                    raise BotApiError(f"{method}: HTTP {exc.code} {_description(answer)}") from None
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                error = f"{method}: {type(exc).__name__}"
            else:
                if isinstance(answer, dict) and answer.get("ok") is True:
                    return answer.get("result")
                raise BotApiError(f"{method}: refused {_description(answer)}")
            if attempt + 1 < ATTEMPTS:
                logger.warning("telegram %s, attempt %d of %d", error, attempt + 1, ATTEMPTS)
                time.sleep(retry_in if retry_in is not None else BACKOFF_SECONDS[attempt])
        raise BotApiError(error)

    def send_message(self, chat_id: str, text: str) -> Any:
        return self.call("sendMessage", {"chat_id": chat_id, "text": text})

    def set_webhook(self, url: str, secret_token: str) -> Any:
        return self.call(
            "setWebhook",
            {"url": url, "secret_token": secret_token, "allowed_updates": ["message"], "max_connections": 10},
        )


def _json_or_empty(error: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        answer = json.loads(error.read() or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _description(answer: Any) -> str:
    """The Bot API's own error text (it names the problem, never the chat's content), shortened."""
    text = answer.get("description", "") if isinstance(answer, dict) else ""
    return str(text)[:120]


def chunks(text: str, size: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces Telegram accepts, cut at a line break where there is one."""
    pieces = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text else pieces


class TelegramAdapter(ChannelAdapter):
    channel = Channel.TELEGRAM

    def parse_inbound(self, payload: Any) -> InboundMessage | None:
        """A Bot API ``Update`` → the text of a private chat's message; anything else → None."""
        if not isinstance(payload, dict):
            return None
        message = payload.get("message")
        if not isinstance(message, dict):
            return None
        chat, text = message.get("chat"), message.get("text")
        if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(text, str):
            return None
        chat_id = chat.get("id")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return None
        sender: dict[str, Any] = message["from"] if isinstance(message.get("from"), dict) else {}
        hints = {k: sender[k][:100] for k in ("first_name", "username") if isinstance(sender.get(k), str)}
        language = sender.get("language_code")
        return InboundMessage(
            external_ref=str(chat_id),
            text=text,
            language_hint=language if isinstance(language, str) else "",
            sender=hints,
        )

    def deliver(self, conversation: Conversation, message: ConversationMessage) -> None:
        config = shop_settings.current()
        if not config.telegram_enabled:
            raise DeliveryFailed("the Telegram channel is switched off")
        if not conversation.external_ref:
            raise DeliveryFailed("the conversation has no Telegram chat")
        api = BotApi(config.telegram_bot_token)
        for piece in chunks(message.body):
            api.send_message(conversation.external_ref, piece)
