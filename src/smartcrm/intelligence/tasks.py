"""Nightly training and scoring as a background task (Celery beat schedules it; see settings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.intelligence import refresh, refresh_work, training
from smartcrm.intelligence.models import RunKind
from smartcrm.intelligence.training import STAGES


@smartcrm_task(name="smartcrm.intelligence.refresh_scores")
def refresh_scores(self: Task, as_of: str | None = None, train: bool = True) -> dict[str, Any]:
    """Train (or reuse the active models) and rewrite every customer's scores as of a date.

    Idempotent: the same ``as_of`` gives the same scores (new model versions are registered on
    each training run; the previous ones stay for rollback). Progress is the Celery state
    ``PROGRESS`` with the current stage.
    """

    def progress(stage: str) -> None:
        done = STAGES.index(stage) if stage in STAGES else 0
        self.update_state(state="PROGRESS", meta={"stage": stage, "percent": round(100 * done / len(STAGES))})

    result = training.train(
        as_of=date.fromisoformat(as_of) if as_of else None,
        actor="task:refresh_scores",
        refit=train,
        progress=progress,
    )
    return {
        "as_of": result.as_of.isoformat(),
        "customers_scored": result.customers_scored,
        "versions": {str(k): v for k, v in result.versions.items()},
        "seconds": result.seconds,
    }


@smartcrm_task(name="smartcrm.intelligence.refresh_run")
def refresh_run(
    self: Task, as_of: str | None = None, kind: str = RunKind.SCORES, options: dict[str, Any] | None = None
) -> int:
    """Start a fan-out refresh of ``kind`` — scores, recommendations or the text backfill (the
    nightly schedule); the RefreshRun's id. Its chunks report progress on the run (chunks done)."""
    run = refresh.start_refresh(
        actor="task:refresh_run",
        as_of=date.fromisoformat(as_of) if as_of else None,
        kind=kind,
        options=options,
    )
    return run.pk


@smartcrm_task(name="smartcrm.intelligence.refresh_train")
def refresh_train(self: Task, run_id: int) -> None:
    """Fit a refresh run's models on the sample and send its chunks (idempotent: a run already
    started is left alone)."""
    refresh_work.run_training(run_id)


@smartcrm_task(name="smartcrm.intelligence.refresh_chunk")
def refresh_chunk(self: Task, chunk_id: int) -> None:
    """Score one chunk of a refresh run (any kind); the last one done switches the run in.
    Idempotent: a chunk done, running elsewhere or cancelled is left alone."""
    refresh_work.run_chunk(chunk_id)


@smartcrm_task(name="smartcrm.intelligence.refresh_switch")
def refresh_switch(self: Task, run_id: int) -> None:
    """Switch in a refresh run whose chunks are all done."""
    refresh_work.resume_switch(run_id)
