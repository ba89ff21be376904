"""The pull channels: the website widget and the API. Their clients fetch the conversation's
messages themselves (the widget polls), so delivering a message is nothing to do."""

from __future__ import annotations

from typing import Any

from ..models import Channel
from .base import InboundMessage, PullAdapter


class _JsonPullAdapter(PullAdapter):
    def parse_inbound(self, payload: Any) -> InboundMessage | None:
        """``{"text": "...", "language": "en"}`` as the widget and the API post it."""
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            return None
        language = payload.get("language")
        return InboundMessage(
            external_ref="", text=payload["text"], language_hint=language if isinstance(language, str) else ""
        )


class WidgetAdapter(_JsonPullAdapter):
    channel = Channel.WIDGET


class ApiAdapter(_JsonPullAdapter):
    channel = Channel.API
