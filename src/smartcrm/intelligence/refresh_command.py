"""What ``smartcrm train`` and ``smartcrm score`` share: arguments, a progress bar, a summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from smartcrm.intelligence.training import STAGES
from smartcrm.intelligence.training import train as train_and_score


def add_refresh_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="score as of this date (YYYY-MM-DD; default yesterday)",
    )


def run_refresh(out: Any, *, train: bool, as_of: date | None) -> None:
    with tqdm(total=len(STAGES), unit="stage", disable=None) as bar:

        def progress(stage: str) -> None:
            bar.set_description(stage)
            bar.n = STAGES.index(stage)
            bar.refresh()

        result = train_and_score(
            as_of=as_of, actor="cli:train" if train else "cli:score", refit=train, progress=progress
        )
        bar.n = len(STAGES)
        bar.refresh()
    out.write(f"Scored {result.customers_scored:,} customers as of {result.as_of}.")
    for kind, version in result.versions.items():
        metrics = result.metrics.get(kind, {})
        figures = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float))
        out.write(f"  {kind} v{version}" + (f": {figures}" if figures else ""))
    for kind, metrics in result.metrics.items():
        if "skipped" in metrics:
            out.write(f"  {kind} not trained: {metrics['skipped']}")
    out.write("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))
