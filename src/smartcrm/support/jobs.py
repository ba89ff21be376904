"""The background work the support services start (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Recompute the open tickets' due times for the DueTimeRecompute with this id (support/recompute.py).
recompute_due_times: Job[[int]] = Job("smartcrm.support.recompute_due_times")
