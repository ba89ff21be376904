"""Background jobs: refresh the forecasts and detect alerts (ids/dates in, idempotent, progress out)."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.insights import services, training

FORECAST_STAGES = ("extract", "backtest", "forecast", "store")
DETECT_STAGES = ("extract", "detect", "store")


def _reporter(task: Task, stages: tuple[str, ...]) -> services.Progress:
    def progress(stage: str) -> None:
        done = stages.index(stage) if stage in stages else 0
        task.update_state(state="PROGRESS", meta={"stage": stage, "percent": round(100 * done / len(stages))})

    return progress


@smartcrm_task(name="smartcrm.insights.refresh_forecast")
def refresh_forecast(self: Task, grain: str = "day", as_of: str | None = None) -> dict[str, Any]:
    """Re-forecast every sales series at a grain; a re-run replaces the stored periods."""
    version = training.train(
        actor="task:refresh_forecast",
        grain=grain,
        as_of=date.fromisoformat(as_of) if as_of else None,
        progress=_reporter(self, FORECAST_STAGES),
    )
    return {"version": version.version, "metrics": version.metrics}


@smartcrm_task(name="smartcrm.insights.detect_anomalies")
def detect_anomalies(self: Task, as_of: str | None = None) -> dict[str, Any]:
    """Store the alerts not stored yet (alert keys are unique, so re-runs add nothing twice)."""
    created = services.detect_alerts(
        actor="task:detect_anomalies",
        as_of=date.fromisoformat(as_of) if as_of else None,
        progress=_reporter(self, DETECT_STAGES),
    )
    return {"created": created}
