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
        kinds = options["kind"] or [k.value for k in SourceKind]
        todo = {kind: services.pending_ids(kind, only_missing=not options["all"]) for kind in kinds}
        total = sum(len(ids) for ids in todo.values())
        self.stderr.write("Loading the models (the first run trains the default sentiment model)…")
        services.get_analyzer(train_if_missing=True)
        started, done = time.monotonic(), 0
        with tqdm(total=total, unit="text", desc="analyse", file=self.stderr) as bar:
            for kind, ids in todo.items():
                bar.set_postfix_str(kind)
                for start in range(0, len(ids), services.BATCH_SIZE):
                    batch = ids[start : start + services.BATCH_SIZE]
                    done += services.analyse_texts(kind, batch)
                    bar.update(len(batch))
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Analysed {done} texts in {seconds:.1f}s ({done / max(seconds, 1e-9):.0f} texts/s)."
        )
