"""``alert_created``: sent after the transaction that stored a new alert commits.

Receivers get ``alert_id`` (an int) — e.g. outbound webhooks can subscribe with
``alert_created.connect(handler)`` and look the alert up themselves.
"""

from __future__ import annotations

from django.dispatch import Signal

alert_created = Signal()
