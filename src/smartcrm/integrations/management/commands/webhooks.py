"""``smartcrm webhooks send-due``: attempt every outbound delivery whose retry is due.

With a worker (``REDIS_URL``) retries run by themselves; in the embedded mode there is no
worker to wait for a countdown, so run this from cron (every minute is plenty).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartcrm.integrations import outbound


class Command(BaseCommand):
    help = "Outbound webhooks: send-due attempts every delivery whose retry is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send-due"])
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbound.send_due(limit=options["limit"])
        self.stdout.write(f"attempted {count} deliveries")
