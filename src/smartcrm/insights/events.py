"""What an insights write sets off, after the commit (see :mod:`smartcrm.core.events`).

- an alert stored: the outbound webhook ``alert.created`` and the workflows it triggers.
"""

from __future__ import annotations

from smartcrm.core.events import announce


def alert_created(alert_id: int) -> None:
    announce(
        alert_id, "smartcrm.integrations.events.alert_created", "smartcrm.automation.events.alert_created"
    )
