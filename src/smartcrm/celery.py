"""The Celery application: Redis in production; inline (eager) in the embedded default."""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")

app = Celery("smartcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def sweep_stale_runs_on_start(**_: Any) -> None:
    """A worker that starts (often: restarts after one died) first recovers the runs left behind."""
    from smartcrm.core import recovery

    recovery.sweep()
