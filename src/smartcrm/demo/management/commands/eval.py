"""``smartcrm eval NAME …``: measure a model on a public data set or on the user's own file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.evaluation import EVALUATIONS, load


class Command(BaseCommand):
    help = "Evaluate a model: " + ", ".join(sorted(EVALUATIONS)) + " (see --help of each)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="evaluation", required=True, parser_class=argparse.ArgumentParser)
        for name in sorted(EVALUATIONS):
            child = sub.add_parser(name, help=f"evaluate {name}")
            child.add_argument("--json", action="store_true", help="print the figures as JSON")
            load(name).add_arguments(child)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.pop("evaluation")
        as_json = options.pop("json")
        try:
            figures = load(name).run(options)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2, default=str))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key}: {value}")
