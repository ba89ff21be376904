"""``smartcrm dedup [--auto-merge]``: find duplicate customers in bulk, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from smartcrm.dedup import selectors, services


class Command(BaseCommand):
    help = "Find duplicate customers: pairs for the review queue, and (with --auto-merge) merges."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--auto-merge", action="store_true", help="merge the pairs above the auto-merge threshold"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = services.start_run(actor="cli:dedup", auto_merge=options["auto_merge"])
        with tqdm(total=100, unit="%", desc="dedup", file=self.stderr) as bar:

            def progress(stage: str, fraction: float) -> None:
                bar.set_postfix_str(stage)
                bar.update(max(0, round(100 * fraction) - bar.n))

            run = services.find_duplicates(run_id=run.pk, progress=progress)
        self.stdout.write(
            f"{run.customers} customers, {run.candidates} candidate pairs, {run.pairs_found} pairs to review "
            f"or merged, {run.auto_merged} merged automatically, in {run.seconds:.1f}s; "
            f"{selectors.pending_count()} pairs pending review."
        )
