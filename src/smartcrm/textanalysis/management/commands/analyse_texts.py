"""``smartcrm analyse_texts``: (re-)analyse tickets, messages, reviews and survey answers."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from smartcrm.textanalysis import services
from smartcrm.textanalysis.models import SourceKind


class Command(BaseCommand):
    help = "Analyse customer texts (sentiment, aspects, intent, urgency, PII); --all re-analyses everything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            choices=[k.value for k in SourceKind],
            action="append",
            help="only these kinds (repeatable)",
        )
        parser.add_argument(
            "--all", action="store_true", help="re-analyse texts analysed before (after a model update)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write("Loading the models (the first run trains the default sentiment model)…")
        started = [time.monotonic()]

        with tqdm(unit="text", desc="analyse", file=self.stderr) as bar:

            def start(total: int) -> None:
                started[0] = time.monotonic()  # texts/s without the models' loading
                bar.reset(total=total)

            def batch(kind: str, size: int) -> None:
                bar.set_postfix_str(kind)
                bar.update(size)

            done = services.analyse_pending(
                options["kind"], only_missing=not options["all"], on_start=start, on_batch=batch
            )
        seconds = time.monotonic() - started[0]
        self.stdout.write(
            f"Analysed {done} texts in {seconds:.1f}s ({done / max(seconds, 1e-9):.0f} texts/s)."
        )
