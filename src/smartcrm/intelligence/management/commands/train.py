"""``smartcrm train [--as-of DATE]``: fit every model, register and activate it, write scores."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.intelligence.refresh_command import add_refresh_arguments, run_refresh


class Command(BaseCommand):
    help = "Train segments, CLV, churn and propensity models on the shop's history and score everyone."

    def add_arguments(self, parser: CommandParser) -> None:
        add_refresh_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_refresh(self.stdout, train=True, as_of=options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
