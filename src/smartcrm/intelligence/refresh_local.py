"""A fan-out refresh run driven from this process: ``smartcrm train`` and the demo.

``run_here`` runs the same RefreshRun the workers run (fit on the bounded sample, score chunks
of customer ids, stage each chunk's rows, switch in one transaction) with its steps called one
after another in this process instead of sent to the bulk queue: memory is bounded by the sample
and one chunk, not by the shop, and no broker is needed (the embedded SQLite shop). On a shop of
up to ``SAMPLE_CUSTOMERS`` buyers the sample is every buyer, so the models learn from the same
history as the single-process ``training.train``; above it, from the sample (bench.refresh
``--compare-full`` measures what that costs).

``run_on_workers`` sends the run to the Celery workers instead and waits for it to end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from smartcrm.core.actors import Actor
from smartcrm.intelligence import refresh, refresh_work
from smartcrm.intelligence.models import ChunkStatus, RefreshRun, RefreshStatus, RunKind
from smartcrm.intelligence.training import RefreshResult

ENDED = (RefreshStatus.DONE, RefreshStatus.FAILED, RefreshStatus.CANCELLED, RefreshStatus.INTERRUPTED)
Progress = Callable[[int, int], None]  # chunks done, chunks planned (0 while training)


class RefreshNotFinishedError(RuntimeError):
    """The run handed to the workers ended without switching in."""


def run_here(
    *,
    actor: Actor,
    as_of: date | None = None,
    chunk_size: int | None = None,
    progress: Progress = lambda _done, _total: None,
    kind: str = RunKind.SCORES,
    options: dict[str, Any] | None = None,
) -> RefreshRun:
    """Run a whole refresh of ``kind`` in this process; the finished run. Errors propagate (the
    run and the failing chunk are marked failed first, as on a worker)."""
    run = refresh.start_refresh(
        actor=actor, as_of=as_of, chunk_size=chunk_size, send=False, kind=kind, options=options
    )
    progress(0, 0)
    chunks = refresh_work.fit_and_plan(run.pk)
    for done, chunk_id in enumerate(chunks, start=1):
        refresh_work.run_chunk(chunk_id)  # the last one switches the run in
        progress(done, len(chunks))
    return RefreshRun.objects.defer("fitted").get(pk=run.pk)


def run_on_workers(
    *,
    actor: Actor,
    as_of: date | None = None,
    chunk_size: int | None = None,
    progress: Progress = lambda _done, _total: None,
    poll_seconds: float = 1.0,
    kind: str = RunKind.SCORES,
    options: dict[str, Any] | None = None,
) -> RefreshRun:
    """Send a refresh of ``kind`` to the bulk-queue workers and wait until it ends; the run once
    switched in. Raises RefreshNotFinishedError when it failed, was cancelled or interrupted."""
    run = refresh.start_refresh(actor=actor, as_of=as_of, chunk_size=chunk_size, kind=kind, options=options)
    while True:
        run = RefreshRun.objects.defer("fitted").get(pk=run.pk)
        progress(run.chunks.filter(status=ChunkStatus.DONE).count(), run.chunks.count())
        if run.status in ENDED:
            break
        time.sleep(poll_seconds)
    if run.status != RefreshStatus.DONE:
        raise RefreshNotFinishedError(f"{run.kind} refresh {run.pk} ended {run.status}: {run.message}")
    return run


def as_result(run: RefreshRun) -> RefreshResult:
    """What the single-process training reports, for a finished run (``chunks``: the chunks'
    own seconds added up)."""
    chunk_seconds = sum(s or 0.0 for s in run.chunks.values_list("seconds", flat=True))
    seconds = {"train": run.seconds.get("train", 0.0), "chunks": round(chunk_seconds, 2)}
    return RefreshResult(
        as_of=run.as_of,
        customers_scored=run.customers_scored,
        versions=dict(run.versions),
        seconds=seconds | {"switch": run.seconds.get("switch", 0.0)},
        metrics=dict(run.metrics),
    )
