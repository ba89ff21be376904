"""Which Celery queue a task goes to: ``interactive`` or ``bulk``.

A customer waiting for the assistant's reply, a shop's webhook, an email and the work on one
record (a new ticket's text analysis, a new customer's duplicate check, a workflow run) go to
``interactive``; an import, a refresh or training, a de-duplication run, a campaign send and the
nightly backfills go to ``bulk``. Workers that take only ``interactive`` keep those fast while a
bulk job runs for an hour (docs/deploy.md: ``smartcrm worker --queues interactive``). A task not
named here is interactive: short unless it is listed as bulk.
"""

from __future__ import annotations

from typing import Any

INTERACTIVE = "interactive"
BULK = "bulk"
QUEUES = (INTERACTIVE, BULK)

BULK_TASKS = frozenset(
    {
        "smartcrm.imports.run_import",
        "smartcrm.intelligence.refresh_scores",
        "smartcrm.intelligence.refresh_run",
        "smartcrm.intelligence.refresh_train",
        "smartcrm.intelligence.refresh_chunk",
        "smartcrm.intelligence.refresh_switch",
        "smartcrm.recommendations.refresh",
        "smartcrm.insights.refresh_forecast",
        "smartcrm.insights.detect_anomalies",
        "smartcrm.dedup.find_duplicates",
        "smartcrm.campaigns.send_campaign",
        "smartcrm.privacy.apply_retention",
        "smartcrm.collaboration.send_digests",
        "smartcrm.bulk.run_bulk",
        "smartcrm.attachments.process",  # OCR or speech to text: seconds to minutes per file
    }
)


def queue_of(task_name: str) -> str:
    return BULK if task_name in BULK_TASKS else INTERACTIVE


def route(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **_: Any) -> dict[str, str]:
    """Celery's task router (``CELERY_TASK_ROUTES``)."""
    return {"queue": queue_of(name)}
