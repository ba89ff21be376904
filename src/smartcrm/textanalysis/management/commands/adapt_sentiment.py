"""``smartcrm adapt_sentiment``: retrain sentiment on the shop's star-rated reviews and report the gain."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.textanalysis import training

FIGURES = (("accuracy", "accuracy"), ("macro_f1", "macro F1"), ("polarity_auc", "ROC-AUC pos/neg"))


class Command(BaseCommand):
    help = (
        "Train a sentiment model on the shop's reviews (stars as labels), compare it with the shipped "
        "default on held-out reviews, register it, and activate it if it is better."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument("--activate", action="store_true", help="activate it even if it is not better")
        choice.add_argument("--no-activate", action="store_true", help="register it without activating it")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        activate = True if options["activate"] else False if options["no_activate"] else None
        self.stderr.write("Training on the shop's reviews (the first run also trains the default model)…")
        try:
            result = training.train(actor="cli:adapt_sentiment", activate=activate)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        figures, version = result.figures, result.version
        if options["json"]:
            payload = {**figures, "version": version.version, "active": version.is_active}
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(
            f"{figures['n_reviews']} rated reviews, {figures['n_held_out']} held out "
            f"(labels: {figures['label_counts']})."
        )
        self.stdout.write(f"{'held-out figure':<18}{'default':>10}{'shop model':>12}{'gain':>9}")
        for key, name in FIGURES:
            default, adapted, gain = figures["default"][key], figures["adapted"][key], figures["gain"][key]
            row = f"{_number(default):>10}{_number(adapted):>12}{_number(gain, True):>9}"
            self.stdout.write(f"{name:<18}{row}")
        state = "active" if version.is_active else "registered, not active"
        if figures["recommended"]:
            self.stdout.write(f"Sentiment v{version.version} ({state}): better than the default on macro F1.")
        else:
            self.stdout.write(f"Sentiment v{version.version} ({state}): not better than the default.")
        if version.is_active:
            self.stdout.write("New texts use it now; `smartcrm analyse_texts --all` re-analyses the others.")


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.4f}" if signed else f"{value:.4f}"
