"""``smartcrm detect_anomalies [--as-of DATE] [--since DATE]``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from smartcrm.insights import services
from smartcrm.insights.tasks import DETECT_STAGES


class Command(BaseCommand):
    help = "Detect unusual days and orders and store new alerts (re-runs add nothing twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", type=date.fromisoformat, help="last day of history")
        parser.add_argument("--since", type=date.fromisoformat, help="only alerts from this day on")

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(total=len(DETECT_STAGES), desc="anomalies", file=self.stderr) as bar:

            def progress(stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.n = DETECT_STAGES.index(stage)
                bar.refresh()

            created = services.detect_alerts(
                actor="cli:detect_anomalies",
                as_of=options["as_of"],
                since=options["since"],
                progress=progress,
            )
            bar.n = len(DETECT_STAGES)
            bar.refresh()
        self.stdout.write(f"{created} new alert(s)")
