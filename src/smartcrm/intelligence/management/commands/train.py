"""``smartcrm train [--as-of DATE] [--chunk-size N] [--on-workers]``: a fan-out refresh run —
fit every model on the bounded sample, score every customer chunk by chunk, switch the new
versions and scores in together (refresh_local.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.intelligence.refresh_command import add_fan_out_arguments, add_refresh_arguments, run_training
from smartcrm.intelligence.refresh_local import RefreshNotFinishedError


class Command(BaseCommand):
    help = (
        "Train segments, CLV, churn and propensity models on a bounded sample of the shop's history "
        "and score everyone in chunks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_refresh_arguments(parser)
        add_fan_out_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_training(
                self.stdout,
                as_of=options["as_of"],
                chunk_size=options["chunk_size"],
                on_workers=options["on_workers"],
            )
        except (ValueError, RefreshNotFinishedError) as exc:
            raise CommandError(str(exc)) from exc
