"""A record and its file in one step: an agent's reply or note with a file, a customer note with one.

Both writes share one transaction, so a refused file leaves no reply behind (the agent corrects
it and sends again) and the reading job starts only for a reply that exists.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from smartcrm.attachments import owners, services
from smartcrm.core.actors import Actor
from smartcrm.customers.models import Customer, Note
from smartcrm.customers.services import add_note
from smartcrm.support.models import Ticket, TicketMessage
from smartcrm.support.services import reply_to_ticket


@transaction.atomic
def reply_with_file(
    *, actor: Actor, ticket: Ticket, body: str, internal: bool, status: str | None, upload: Any
) -> TicketMessage:
    message = reply_to_ticket(actor=actor, ticket=ticket, body=body, internal=internal, status=status)
    if upload is not None:
        services.upload_to(actor=actor, owner=owners.of_message(message), upload=upload)
    return message


@transaction.atomic
def note_with_file(*, actor: Actor, customer: Customer, body: str, upload: Any) -> Note:
    note = add_note(actor=actor, customer=customer, body=body)
    if upload is not None:
        services.upload_to(actor=actor, owner=owners.of_note(note), upload=upload)
    return note
