"""Handlers for the writes people collaborate on (see :mod:`smartcrm.core.events`): mentions in
customer notes and ticket internal notes, changes on followed customers, tickets and deals, and
tickets that missed an SLA target.

Each writes its notifications inside the writer's transaction (rows that roll back with the
note) and returns no work for after the commit: the unread count is right at the next request.
Nobody is told of their own action: a change's author is the actor of the audit event its
service wrote just before announcing it (in the same transaction), and is left out.
"""

from __future__ import annotations

from typing import Any

from smartcrm.accounts.models import User
from smartcrm.collaboration.services import notify_followers, notify_mentions, notify_sla_breach
from smartcrm.core.events import Work
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer, Note
from smartcrm.pipeline.models import Deal
from smartcrm.support.models import AuthorKind, SLABreach, Ticket, TicketMessage


def note_added(note: Note) -> Work | None:
    notify_mentions(text=note.body, target=note.customer, author=note.author)
    notify_followers(target=note.customer, actor=note.author, detail="note")
    return None


def ticket_message_added(message: TicketMessage) -> Work | None:
    """Mentions count in internal notes only: a reply goes to the customer, who cannot be
    expected to write ``@agent`` to the team."""
    ticket = message.ticket
    if message.is_internal and message.author_kind == AuthorKind.AGENT:
        notify_mentions(text=message.body, target=ticket, author=message.author)
        detail = "internal_note"
    else:
        detail = "customer_message" if message.author_kind == AuthorKind.CUSTOMER else "reply"
    notify_followers(target=ticket, actor=message.author, detail=detail)
    return None


def _changed_by(record: Any) -> User | None:
    """The staff user who made the change being announced (None for a system or import)."""
    event = (
        AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk))
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    return event.actor if event is not None else None


def ticket_changed(ticket: Ticket) -> Work | None:
    notify_followers(target=ticket, actor=_changed_by(ticket), detail="changed")
    return None


def deal_changed(deal: Deal) -> Work | None:
    notify_followers(target=deal, actor=_changed_by(deal), detail="changed")
    return None


def customer_updated(customer: Customer) -> Work | None:
    notify_followers(target=customer, actor=_changed_by(customer), detail="changed")
    return None


def sla_breached(breach: SLABreach) -> Work | None:
    notify_sla_breach(ticket=breach.ticket, kind=breach.kind)
    return None
