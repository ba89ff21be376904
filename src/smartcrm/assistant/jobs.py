"""The assistant's background work (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Send the ConversationMessage with this id through its conversation's channel (once).
deliver_message: Job[[int]] = Job("smartcrm.assistant.deliver_message")
# Acknowledge (and perhaps answer) the email Ticket with this id, per the shop's settings.
email_ticket_opened: Job[[int]] = Job("smartcrm.assistant.email_ticket_opened")
