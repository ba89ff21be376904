"""What ``smartcrm train`` and ``smartcrm score`` share: arguments, a progress bar, a summary.

``train`` is a fan-out refresh run (refresh_local.py): in this process, chunk after chunk, or
with ``--on-workers`` on the Celery workers. ``score`` reuses the active models in one process
(training.py): it fits nothing, so there is no sample to bound.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from smartcrm.intelligence import refresh_local
from smartcrm.intelligence.refresh import CHUNK_CUSTOMERS
from smartcrm.intelligence.training import STAGES, RefreshResult
from smartcrm.intelligence.training import train as score_with_active_models


def add_refresh_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="score as of this date (YYYY-MM-DD; default yesterday)",
    )


def add_fan_out_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--chunk-size", type=int, default=CHUNK_CUSTOMERS, help="customer ids scored per chunk"
    )
    parser.add_argument(
        "--on-workers",
        action="store_true",
        help="send the chunks to the Celery workers (bulk queue) and wait, instead of scoring them here",
    )


def run_training(out: Any, *, as_of: date | None, chunk_size: int, on_workers: bool) -> None:
    """``smartcrm train``: one fan-out refresh run, its progress bar counting chunks."""
    with tqdm(unit="chunk", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.set_description("scoring" if total else "training on the sample")
            bar.total, bar.n = total or None, done
            bar.refresh()

        run = (refresh_local.run_on_workers if on_workers else refresh_local.run_here)(
            actor="cli:train", as_of=as_of, chunk_size=chunk_size, progress=progress
        )
    out.write(f"Refresh run {run.pk}: models fitted on {run.sample_customers:,} customers.")
    _summary(out, refresh_local.as_result(run))


def run_scoring(out: Any, *, as_of: date | None) -> None:
    """``smartcrm score``: every customer scored with the active models, in this process."""
    with tqdm(total=len(STAGES), unit="stage", disable=None) as bar:

        def progress(stage: str) -> None:
            bar.set_description(stage)
            bar.n = STAGES.index(stage)
            bar.refresh()

        result = score_with_active_models(as_of=as_of, actor="cli:score", refit=False, progress=progress)
        bar.n = len(STAGES)
        bar.refresh()
    _summary(out, result)


def _summary(out: Any, result: RefreshResult) -> None:
    out.write(f"Scored {result.customers_scored:,} customers as of {result.as_of}.")
    for kind, version in result.versions.items():
        metrics = result.metrics.get(kind, {})
        figures = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float))
        out.write(f"  {kind} v{version}" + (f": {figures}" if figures else ""))
    for kind, metrics in result.metrics.items():
        if "skipped" in metrics:
            out.write(f"  {kind} not trained: {metrics['skipped']}")
    out.write("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))
