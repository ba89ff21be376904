"""Background analysis of new or changed texts (ids in, idempotent)."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.conf import settings

from smartcrm.core.tasks import smartcrm_task
from smartcrm.textanalysis import services


@smartcrm_task(name="smartcrm.textanalysis.analyse")
def analyse_texts_task(self: Task, kind: str, ids: list[int]) -> dict[str, Any]:
    """Analyse texts of ``kind``. Re-running overwrites the same analyses.

    A process without a worker (tasks run inline) does not train the default sentiment model
    inside a request: the texts are left for ``smartcrm analyse_texts`` and reported skipped.
    """
    try:
        done = services.analyse_texts(kind, ids, train_if_missing=not settings.CELERY_TASK_ALWAYS_EAGER)
    except services.ModelNotReady:
        return {"kind": kind, "analysed": 0, "skipped": len(ids), "reason": "model not ready"}
    return {"kind": kind, "analysed": done, "skipped": len(ids) - done}
