"""What ``smartcrm train`` and ``smartcrm score`` share: arguments, a progress bar, a summary.

``train`` is one fan-out run per kind asked (``--kinds``: scores and recommendations by default,
the text backfill and the de-duplication on request; refresh_local.py): in this process, chunk
after chunk, or with ``--on-workers`` on the Celery workers. ``score`` reuses the active models in one process
(training.py): it fits nothing, so there is no sample to bound.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from smartcrm.intelligence import refresh_local
from smartcrm.intelligence.models import RefreshRun, RunKind
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
    parser.add_argument(
        "--kinds",
        type=_kinds,
        default=DEFAULT_KINDS,
        help="what to refresh, one run each, in this order: scores, recommendations, texts "
        "(the analysis of texts not analysed yet), dedup (the search for duplicate customers); "
        "default scores,recommendations",
    )


DEFAULT_KINDS = [RunKind.SCORES.value, RunKind.RECOMMENDATIONS.value]


def _kinds(value: str) -> list[str]:
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in RunKind.values]
    if unknown or not kinds:
        raise ArgumentTypeError(f"expected some of {', '.join(RunKind.values)}; got {value!r}")
    return kinds


def run_training(
    out: Any, *, as_of: date | None, chunk_size: int, on_workers: bool, kinds: list[str] = DEFAULT_KINDS
) -> None:
    """``smartcrm train``: one fan-out run per kind, each with a progress bar counting chunks."""
    for kind in kinds:
        run = _run(kind, as_of=as_of, chunk_size=chunk_size, on_workers=on_workers)
        if kind == RunKind.SCORES:
            out.write(f"Refresh run {run.pk}: models fitted on {run.sample_customers:,} customers.")
            _summary(out, refresh_local.as_result(run))
        elif kind == RunKind.RECOMMENDATIONS:
            out.write(
                f"Recommendations run {run.pk}: fitted on {run.sample_customers:,} customers; "
                f"{run.customers_scored:,} customers have recommendations."
            )
            _versions_and_seconds(out, refresh_local.as_result(run))
        elif kind == RunKind.DEDUP:
            out.write(
                f"De-duplication run {run.pk}: {run.sample_customers:,} customers, "
                f"{run.customers_scored:,} duplicate pairs to review."
            )
            _versions_and_seconds(out, refresh_local.as_result(run))
        else:
            out.write(f"Text backfill run {run.pk}: {run.customers_scored:,} texts analysed.")
            _versions_and_seconds(out, refresh_local.as_result(run))


def _run(kind: str, *, as_of: date | None, chunk_size: int, on_workers: bool) -> RefreshRun:
    with tqdm(unit="chunk", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.set_description(f"{kind}: scoring" if total else f"{kind}: training on the sample")
            bar.total, bar.n = total or None, done
            bar.refresh()

        return (refresh_local.run_on_workers if on_workers else refresh_local.run_here)(
            actor="cli:train",
            as_of=as_of,
            chunk_size=None if kind == RunKind.TEXTS else chunk_size,
            progress=progress,
            kind=kind,
            options={"train_models": True} if kind == RunKind.TEXTS else None,
        )


def _versions_and_seconds(out: Any, result: RefreshResult) -> None:
    for kind, version in result.versions.items():
        out.write(f"  {kind} v{version}")
    out.write("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))


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
