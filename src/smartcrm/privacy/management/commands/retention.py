"""``smartcrm retention run``: apply the retention rules now (the scheduler runs them nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartcrm.privacy import services


class Command(BaseCommand):
    help = "Remove old closed tickets' texts and chat transcripts (SMARTCRM_RETAIN_* settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("run", help="apply the retention rules now")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = services.apply_retention(actor="cli:retention")
        summary = ", ".join(f"{n} {k}" for k, n in sorted(removed.items())) or "nothing due"
        self.stdout.write(f"Retention: {summary}.")
