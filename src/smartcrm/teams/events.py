"""Handlers for the writes that route a record (see :mod:`smartcrm.core.events`).

Each assigns inside the writer's transaction (a database write that rolls back with the record)
and returns no work for after the commit.
"""

from __future__ import annotations

from smartcrm.assistant.models import Conversation
from smartcrm.core.events import Work
from smartcrm.pipeline.models import Deal, Lead
from smartcrm.support.models import Ticket
from smartcrm.teams.assignment import assign
from smartcrm.teams.models import RecordKind


def ticket_opened(ticket: Ticket) -> Work | None:
    assign(ticket, record_kind=RecordKind.TICKET, user_field="assignee", language=ticket.language)
    return None


def deal_created(deal: Deal) -> Work | None:
    language = deal.customer.language if deal.customer_id and deal.customer else ""
    assign(deal, record_kind=RecordKind.DEAL, user_field="owner", language=language)
    return None


def lead_created(lead: Lead) -> Work | None:
    """A lead has no language of its own: its customer's, when it has one."""
    language = lead.customer.language if lead.customer_id and lead.customer else ""
    assign(lead, record_kind=RecordKind.LEAD, user_field="owner", language=language)
    return None


def conversation_handed_off(conversation: Conversation) -> Work | None:
    """Conversation rules first; without one, the conversation follows its ticket."""
    choice = assign(
        conversation,
        record_kind=RecordKind.CONVERSATION,
        user_field="assignee",
        language=conversation.language,
    )
    ticket = conversation.ticket
    if choice is None and ticket is not None and (ticket.team_id or ticket.assignee_id):
        Conversation.objects.filter(pk=conversation.pk).update(
            team_id=ticket.team_id, assignee_id=ticket.assignee_id
        )
    return None
