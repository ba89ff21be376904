"""The assistant's handlers of other apps' events (see :mod:`smartcrm.core.events`).

- a ticket message added: an agent's reply (not an internal note) on a ticket that a
  conversation was handed over to is shown in that conversation, after the commit;
- the same reply, on any ticket: how much of the agent-assist suggestion it kept.
"""

from __future__ import annotations

from smartcrm.core.events import Work
from smartcrm.support.models import AuthorKind, TicketMessage

from .agent_assist import record_reply
from .models import Conversation
from .services import agent_replied


def ticket_message_added(message: TicketMessage) -> Work | None:
    if message.author_kind != AuthorKind.AGENT or message.is_internal:
        return None
    conversation = Conversation.objects.filter(ticket_id=message.ticket_id).order_by("-updated_at").first()
    if conversation is None:
        return None
    body = message.body

    def show() -> None:
        agent_replied(conversation=conversation, body=body)

    return show


def agent_reply_sent(message: TicketMessage) -> Work | None:
    """An agent's reply to the customer: how much of the assist suggestion it kept."""
    if message.author_kind != AuthorKind.AGENT or message.is_internal:
        return None

    def measure() -> None:
        record_reply(message)

    return measure
