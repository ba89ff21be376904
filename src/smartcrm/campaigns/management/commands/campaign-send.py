"""``smartcrm campaign-send <id>``: send a sending campaign's waiting emails in this process (what
the Celery task does), or ``--due`` to start the scheduled campaigns whose time has come. Run it
again after a crash: what was sent is not sent again, what was not is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.campaigns import sending, services


class Command(BaseCommand):
    help = "Send a campaign's waiting emails now (exactly once), or start the due scheduled campaigns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", nargs="?", type=int)
        parser.add_argument("--due", action="store_true", help="start the scheduled campaigns that are due")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["due"]:
            started = services.start_due_campaigns()
            self.stdout.write(f"started {len(started)} campaign(s)")
            return
        if options["campaign_id"] is None:
            raise CommandError("name a campaign id, or --due")
        report = sending.send_pending(options["campaign_id"])
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())) or "none"
        self.stdout.write(f"sent {report.sent}, failed {report.failed}, skipped: {skipped}")
