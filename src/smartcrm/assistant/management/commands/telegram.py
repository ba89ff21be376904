"""``smartcrm telegram set-webhook URL``: point the bot at this smartcrm, with the secret token.

URL is smartcrm's public https address (``https://crm.example.com``); the webhook path
``/hooks/telegram/<bot id>`` is added unless given. The bot's token and the secret come from
the assistant settings page (/settings/assistant/); the secret is sent to Telegram here and
nowhere printed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.assistant import shop_settings
from smartcrm.assistant.channels.telegram import BotApi, BotApiError


class Command(BaseCommand):
    help = "Telegram: set-webhook URL points the bot at smartcrm's webhook with the secret token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["set-webhook"])
        parser.add_argument("url", help="smartcrm's public https address, e.g. https://crm.example.com")

    def handle(self, *args: Any, **options: Any) -> None:
        config = shop_settings.current()
        if not config.telegram_bot_token or not config.telegram_webhook_secret:
            raise CommandError("set the bot's token on /settings/assistant/ first")
        url = options["url"].rstrip("/")
        if "/hooks/telegram/" not in url:
            url = f"{url}/hooks/telegram/{config.telegram_bot_id}"
        if not url.startswith("https://"):
            self.stderr.write("warning: Telegram only calls https:// webhooks")
        try:
            BotApi(config.telegram_bot_token).set_webhook(url, config.telegram_webhook_secret)
        except BotApiError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"webhook set: {url}")
        if not config.telegram_enabled:
            self.stderr.write("note: the Telegram channel is switched off on /settings/assistant/")
