"""``smartcrm forecast [--grain day|week|month] [--as-of DATE] [--horizon H]``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from smartcrm.core.errors import ServiceValidationError
from smartcrm.insights import training
from smartcrm.insights.tasks import FORECAST_STAGES


class Command(BaseCommand):
    help = "Backtest, forecast and store shop revenue and orders (total, per category, top products)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grain", default="day", choices=["day", "week", "month"])
        parser.add_argument("--as-of", dest="as_of", type=date.fromisoformat, help="last day of history")
        parser.add_argument(
            "--horizon", type=int, help="periods ahead (default 28 days / 12 weeks / 6 months)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(total=len(FORECAST_STAGES), desc="forecast", file=self.stderr) as bar:

            def progress(stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.n = FORECAST_STAGES.index(stage)
                bar.refresh()

            try:
                version = training.train(
                    actor="cli:forecast",
                    grain=options["grain"],
                    as_of=options["as_of"],
                    horizon=options["horizon"],
                    progress=progress,
                )
            except ServiceValidationError as exc:
                raise CommandError(str(exc)) from exc
            bar.n = len(FORECAST_STAGES)
            bar.refresh()
        self.stdout.write(f"forecast v{version.version}: {version.metrics}")
