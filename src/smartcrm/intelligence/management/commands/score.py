"""``smartcrm score [--as-of DATE]``: score every customer with the active model versions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.intelligence.refresh_command import add_refresh_arguments, run_scoring


class Command(BaseCommand):
    help = "Score every customer with the active models (segments are recomputed on current data)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_refresh_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_scoring(self.stdout, as_of=options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
