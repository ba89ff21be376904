"""The background work of the fan-out refresh (connected to ``tasks.py`` in ``apps.py``); all
three go to the bulk queue and take ids."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Fit the RefreshRun's models on the sample, plan its chunks and send them.
refresh_train: Job[[int]] = Job("smartcrm.intelligence.refresh_train")
# Score one RefreshChunk and stage its rows; the last chunk done switches the run in.
refresh_chunk: Job[[int]] = Job("smartcrm.intelligence.refresh_chunk")
# Switch a RefreshRun whose chunks are all done (sent by the sweeper after a switch was cut off).
refresh_switch: Job[[int]] = Job("smartcrm.intelligence.refresh_switch")
