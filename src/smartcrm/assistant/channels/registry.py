"""The adapter of each channel, by ``Conversation.channel``: add a channel here (see base.py)."""

from __future__ import annotations

from ..models import Channel
from .base import ChannelAdapter
from .email import EmailAdapter
from .pull import ApiAdapter, WidgetAdapter
from .telegram import TelegramAdapter

ADAPTERS: dict[str, ChannelAdapter] = {
    Channel.WIDGET: WidgetAdapter(),
    Channel.API: ApiAdapter(),
    Channel.EMAIL: EmailAdapter(),
    Channel.TELEGRAM: TelegramAdapter(),
}


def adapter_for(channel: str) -> ChannelAdapter:
    return ADAPTERS[channel]
