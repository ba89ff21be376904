"""``smartcrm channels deliver-pending``: send again the messages whose delivery failed.

A failed delivery (the SMTP relay down, the Bot API unreachable) is kept on the message; run
this from cron (every few minutes) to try again, up to five attempts per message.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartcrm.assistant.channels.delivery import deliver_pending


class Command(BaseCommand):
    help = "Assistant channels: deliver-pending sends again the messages whose delivery failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["deliver-pending"])
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"delivered {deliver_pending(limit=options['limit'])} messages")
