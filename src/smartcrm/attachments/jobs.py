"""The background work attachments start (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Read one stored attachment (text, OCR or speech), redact it, link the numbers it names.
process_attachment: Job[[int]] = Job("smartcrm.attachments.process")
