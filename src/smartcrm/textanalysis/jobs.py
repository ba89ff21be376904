"""The background work text analysis starts (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Analyse the texts of this kind with these ids (a new ticket message, review or survey answer).
analyse_texts: Job[[str, list[int]]] = Job("smartcrm.textanalysis.analyse")
