"""The background work the import services start (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Run the ImportRun with this id (a queued upload, a started wizard run, a resumed run).
run_import: Job[[int]] = Job("smartcrm.imports.run_import")
