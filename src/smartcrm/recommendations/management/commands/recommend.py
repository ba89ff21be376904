"""``smartcrm recommend``: train recommendations and basket rules from the shop's orders, store them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from smartcrm.recommendations.training import STAGES, NoOrdersError, train


class Command(BaseCommand):
    help = "Train product recommendations, similar/bought-together pairs and basket rules; store them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default yesterday)"
        )
        parser.add_argument("--min-support", type=float, default=0.002, help="basket rules: minimum support")
        parser.add_argument(
            "--min-confidence", type=float, default=0.05, help="basket rules: minimum confidence"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(total=len(STAGES), unit="stage", disable=None) as bar:

            def progress(stage: str) -> None:
                bar.set_description(stage)
                bar.n = STAGES.index(stage)
                bar.refresh()

            try:
                result = train(
                    as_of=options["as_of"],
                    actor="cli:recommend",
                    progress=progress,
                    min_support=options["min_support"],
                    min_confidence=options["min_confidence"],
                )
            except NoOrdersError as exc:
                raise CommandError(str(exc)) from exc
            bar.n = len(STAGES)
            bar.refresh()
        self.stdout.write(
            f"Recommendations for {result.customers:,} customers ({result.recommendations:,} rows), "
            f"{result.pairs:,} product pairs, {result.rules:,} basket rules as of {result.as_of}."
        )
        self.stdout.write("  versions: " + ", ".join(f"{k} v{v}" for k, v in result.versions.items()))
        self.stdout.write("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))
