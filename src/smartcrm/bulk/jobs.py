"""The bulk actions' background work (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Apply the BulkRun with this id to its selection, in batches, recording progress.
run_bulk: Job[[int]] = Job("smartcrm.bulk.run_bulk")
