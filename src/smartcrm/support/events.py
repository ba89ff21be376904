"""What a support write sets off, after the commit (see :mod:`smartcrm.core.events`).

- a ticket opened: the outbound webhook ``ticket.created`` and the workflows it triggers;
- a ticket opened: routed by the teams' assignment rules (first, so the rest see the assignee);
- a ticket changed (status, priority, assignee): the workflows it triggers, its followers told;
- a message added (the first one of a ticket too): text analysis of the message and of its
  thread, when the customer wrote it and it is not an internal note; an agent's reply on a
  ticket a chat was handed over to goes back into that conversation;
- an SLA target missed (support/sla.py): the assignee and the team lead notified.
"""

from __future__ import annotations

from smartcrm.core.events import announce
from smartcrm.support.models import SLABreach, Ticket, TicketMessage


def ticket_opened(ticket: Ticket) -> None:
    announce(
        ticket,
        "smartcrm.teams.events.ticket_opened",  # first: the workflows see the assignee
        "smartcrm.integrations.events.ticket_created",
        "smartcrm.automation.events.ticket_opened",
    )


def ticket_changed(ticket: Ticket) -> None:
    announce(
        ticket, "smartcrm.automation.events.ticket_updated", "smartcrm.collaboration.events.ticket_changed"
    )


def ticket_message_added(message: TicketMessage) -> None:
    announce(
        message,
        "smartcrm.textanalysis.events.ticket_message_added",
        "smartcrm.assistant.events.ticket_message_added",
        "smartcrm.assistant.events.agent_reply_sent",
        "smartcrm.collaboration.events.ticket_message_added",  # mentions in internal notes, followers
    )


def sla_breached(breach: SLABreach) -> None:
    announce(breach, "smartcrm.collaboration.events.sla_breached")
