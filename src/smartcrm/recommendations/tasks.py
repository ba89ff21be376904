"""Nightly recommendation and basket-rule training as a background task.

Schedule it beside the intelligence refresh in ``CELERY_BEAT_SCHEDULE``, e.g.
``{"task": "smartcrm.recommendations.refresh", "schedule": crontab(hour=3, minute=15)}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.recommendations.training import STAGES, train


@smartcrm_task(name="smartcrm.recommendations.refresh")
def refresh_recommendations(self: Task, as_of: str | None = None) -> dict[str, Any]:
    """Retrain and rewrite every stored recommendation, pair and rule as of a date.

    Idempotent: the same ``as_of`` on the same orders writes the same rows (each run registers
    new model versions; older ones stay for the model card). Progress is the Celery state
    ``PROGRESS`` with the current stage.
    """

    def progress(stage: str) -> None:
        done = STAGES.index(stage) if stage in STAGES else 0
        self.update_state(state="PROGRESS", meta={"stage": stage, "percent": round(100 * done / len(STAGES))})

    result = train(
        as_of=date.fromisoformat(as_of) if as_of else None,
        actor="task:refresh_recommendations",
        progress=progress,
    )
    return {
        "as_of": result.as_of.isoformat(),
        "customers": result.customers,
        "recommendations": result.recommendations,
        "pairs": result.pairs,
        "rules": result.rules,
        "versions": result.versions,
        "seconds": result.seconds,
    }
