"""``smartcrm train_defaults``: train the shipped default models once, at build or demo time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartcrm.demo.defaults import train_default_models


class Command(BaseCommand):
    help = "Train the shipped default models (ticket intent) and store them under DATA_DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="retrain even if an artifact exists")

    def handle(self, *args: Any, **options: Any) -> None:
        written = train_default_models(force=options["force"], out=self.stdout)
        for path in written:
            self.stdout.write(f"Wrote {path}")
        if not written:
            self.stdout.write("The default models are already trained (--force retrains them).")
