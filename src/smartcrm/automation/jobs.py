"""The workflows' background work (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Run the WorkflowRun with this id from its cursor until it waits, fails or finishes.
execute_run: Job[[int]] = Job("smartcrm.automation.execute_run")
# Send the Outbox row with this id (an email or a webhook call a step wrote), once.
deliver_outbox: Job[[int]] = Job("smartcrm.automation.deliver_outbox")
