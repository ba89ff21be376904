"""The background work the sync services start (connected to ``tasks.py`` in ``apps.py``).

``inbound`` and ``outbound`` start these; ``tasks`` runs them by calling ``inbound`` and
``outbound``, so the dependency points one way: tasks → services → jobs.
"""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Apply the stored InboundDelivery with this id.
process_inbound: Job[[int]] = Job("smartcrm.integrations.process_inbound")
# Make one attempt at the OutboundDelivery with this id.
deliver_webhook: Job[[int]] = Job("smartcrm.integrations.deliver_webhook")
