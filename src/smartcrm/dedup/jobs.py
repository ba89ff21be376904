"""The background work the de-duplication services start (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Run the DedupRun with this id over the whole customer table.
find_duplicates: Job[[int]] = Job("smartcrm.dedup.find_duplicates")
# Look for the likely duplicates of these (new) customers.
check_customers: Job[[list[int]]] = Job("smartcrm.dedup.check_customers")
