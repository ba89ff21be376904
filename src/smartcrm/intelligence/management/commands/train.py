"""``smartcrm train [--as-of DATE] [--chunk-size N] [--on-workers] [--kinds scores,recommendations,texts]``:
a fan-out refresh run per kind — fit every model on the bounded sample, score (rank) every
customer chunk by chunk, switch the new versions and rows in together (refresh_local.py); the
text backfill analyses the texts not analysed yet, chunk by chunk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.intelligence.refresh_command import add_fan_out_arguments, add_refresh_arguments, run_training
from smartcrm.intelligence.refresh_local import RefreshNotFinishedError


class Command(BaseCommand):
    help = (
        "Train segments, CLV, churn, propensity and recommendation models on a bounded sample of "
        "the shop's history and score everyone in chunks (--kinds texts: analyse texts not analysed yet)."
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
                kinds=options["kinds"],
            )
        except (ValueError, RefreshNotFinishedError) as exc:
            raise CommandError(str(exc)) from exc
