"""The campaigns' background work (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Send the pending emails of the Campaign with this id (each once; see sending.py).
send_campaign: Job[[int]] = Job("smartcrm.campaigns.send_campaign")
