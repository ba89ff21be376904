"""The record an attachment belongs to, and who may see or add files on each kind of record.

The same rules as the record itself: a ticket message's files are for the roles that read the
inbox, a note's for those that see customers. Chat conversations belong to the assistant, a layer
above this app, so they are looked up by app label (like a lazy foreign key), never imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from smartcrm.accounts.roles import Capability
from smartcrm.attachments.models import OwnerKind
from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Note
from smartcrm.feedback.models import Review
from smartcrm.support.models import TicketMessage

VIEW: dict[str, Capability] = {
    OwnerKind.TICKET_MESSAGE: Capability.VIEW_TICKETS,
    OwnerKind.REVIEW: Capability.VIEW_CUSTOMERS,
    OwnerKind.CONVERSATION: Capability.VIEW_TICKETS,
    OwnerKind.CUSTOMER_NOTE: Capability.VIEW_CUSTOMERS,
}
ADD: dict[str, Capability] = {
    OwnerKind.TICKET_MESSAGE: Capability.REPLY_TICKETS,
    OwnerKind.REVIEW: Capability.EDIT_REVIEWS,
    OwnerKind.CONVERSATION: Capability.REPLY_TICKETS,
    OwnerKind.CUSTOMER_NOTE: Capability.EDIT_CUSTOMERS,
}


def view_capability(kind: str) -> Capability:
    """What a role needs to see the files of records of ``kind`` (unknown kind: not found)."""
    if kind not in VIEW:
        raise NotFoundError(f"attachments of {kind!r}")
    return VIEW[kind]


def add_capability(kind: str) -> Capability:
    """What a role needs to add or delete files on records of ``kind``."""
    if kind not in ADD:
        raise NotFoundError(f"attachments of {kind!r}")
    return ADD[kind]


@dataclass(frozen=True)
class Owner:
    kind: str
    id: int
    customer_id: int | None
    ticket_id: int | None = None


def of_message(message: TicketMessage) -> Owner:
    return Owner(OwnerKind.TICKET_MESSAGE, message.pk, message.ticket.customer_id, message.ticket_id)


def of_review(review: Review) -> Owner:
    return Owner(OwnerKind.REVIEW, review.pk, review.customer_id)


def of_note(note: Note) -> Owner:
    return Owner(OwnerKind.CUSTOMER_NOTE, note.pk, note.customer_id)


def of_conversation(conversation: models.Model) -> Owner:
    customer_id = getattr(conversation, "customer_id", None)
    ticket_id = getattr(conversation, "ticket_id", None)
    return Owner(OwnerKind.CONVERSATION, conversation.pk, customer_id, ticket_id)


def _conversation_model() -> type[models.Model]:
    return apps.get_model("assistant", "Conversation")


def find_owner(kind: str, owner_id: int) -> Owner:
    """The record ``kind``/``owner_id`` as an owner of files, or NotFoundError."""
    record: models.Model | None
    if kind == OwnerKind.TICKET_MESSAGE:
        message = TicketMessage.objects.select_related("ticket").filter(pk=owner_id).first()
        return of_message(message) if message else _missing(kind, owner_id)
    if kind == OwnerKind.REVIEW:
        review = Review.objects.filter(pk=owner_id).first()
        return of_review(review) if review else _missing(kind, owner_id)
    if kind == OwnerKind.CUSTOMER_NOTE:
        note = Note.objects.filter(pk=owner_id).first()
        return of_note(note) if note else _missing(kind, owner_id)
    if kind == OwnerKind.CONVERSATION:
        record = _conversation_model()._default_manager.filter(pk=owner_id).first()
        return of_conversation(record) if record else _missing(kind, owner_id)
    return _missing(kind, owner_id)


def _missing(kind: str, owner_id: int) -> Owner:
    raise NotFoundError(f"{kind} {owner_id}")
