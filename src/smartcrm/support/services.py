"""Writes for tickets: opening them, replying, and changing status, priority or assignee."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order
from smartcrm.support import events
from smartcrm.support.models import (
    AuthorKind,
    Priority,
    Ticket,
    TicketChannel,
    TicketMessage,
    TicketStatus,
)
from smartcrm.support.sla import SOLVED_STATUSES, set_due_times

MAX_BODY = 50_000


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ServiceValidationError({"body": _("A message cannot be empty.")})
    if len(body) > MAX_BODY:
        raise ServiceValidationError(
            {"body": _("At most %(limit)s characters.") % {"limit": f"{MAX_BODY:,}"}}
        )
    return body


def _set_status(ticket: Ticket, status: str, now: datetime) -> list[str]:
    """Change the status, keeping ``solved_at`` (the resolution time) in step; the fields changed."""
    ticket.status = status
    solved_at = (ticket.solved_at or now) if status in SOLVED_STATUSES else None
    if solved_at == ticket.solved_at:
        return ["status"]
    ticket.solved_at = solved_at
    return ["status", "solved_at"]


@transaction.atomic
def open_ticket(
    *,
    actor: Actor,
    customer: Customer,
    subject: str,
    body: str,
    channel: str = TicketChannel.EMAIL,
    priority: str = Priority.NORMAL,
    language: str = "en",
    order: Order | None = None,
) -> Ticket:
    """Open a ticket with the customer's first message."""
    errors: dict[str, str] = {}
    subject = subject.strip()
    if not subject:
        errors["subject"] = _("A ticket needs a subject.")
    elif len(subject) > 200:
        errors["subject"] = _("At most 200 characters.")
    if channel not in TicketChannel.values:
        errors["channel"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(TicketChannel.values)}
    if priority not in Priority.values:
        errors["priority"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Priority.values)}
    if order is not None and order.customer_id != customer.pk:
        errors["order_id"] = _("That order belongs to another customer.")
    if errors:
        raise ServiceValidationError(errors)
    body = _clean_body(body)
    now = timezone.now()
    ticket = Ticket(
        customer=customer,
        order=order,
        subject=subject,
        channel=channel,
        priority=priority,
        language=language[:10],
        created_at=now,
        last_message_at=now,
    )
    set_due_times(ticket)
    ticket.save(force_insert=True)
    message = TicketMessage.objects.create(
        ticket=ticket, author_kind=AuthorKind.CUSTOMER, body=body, created_at=now
    )
    audit.record(actor, AuditAction.OPEN, ticket)
    events.ticket_opened(ticket)  # the ticket.created webhook
    events.ticket_message_added(message)  # text analysis of the customer's words
    return ticket


@transaction.atomic
def reply_to_ticket(
    *, actor: Actor, ticket: Ticket, body: str, internal: bool = False, status: str | None = None
) -> TicketMessage:
    """An agent's reply (or internal note); by default a reply waits on the customer."""
    body = _clean_body(body)
    if status is not None and status not in TicketStatus.values:
        raise ServiceValidationError(
            {"status": _("Must be one of: %(choices)s.") % {"choices": ", ".join(TicketStatus.values)}}
        )
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=AuthorKind.AGENT,
        author=audit.user_of(actor),
        body=body,
        is_internal=internal,
        created_at=now,
    )
    fields = ["last_message_at", "updated_at"]
    ticket.last_message_at = now
    if not internal and ticket.first_response_at is None:
        ticket.first_response_at = now
        fields.append("first_response_at")
    new_status = status or (ticket.status if internal else TicketStatus.PENDING)
    if new_status != ticket.status:
        fields += _set_status(ticket, new_status, now)
    ticket.save(update_fields=fields)
    audit.record(
        actor,
        AuditAction.ADD_NOTE if internal else AuditAction.REPLY,
        ticket,
        changes={"status": ticket.status},
    )
    if not internal:
        log_activity(
            customer=ticket.customer,
            kind=ActivityKind.TICKET_REPLY,
            actor=actor,
            obj=ticket,
            summary=f"Reply on “{ticket.subject}”",
        )
    events.ticket_message_added(message)  # an agent's: nothing to analyse today
    return message


@transaction.atomic
def add_customer_message(*, actor: Actor, ticket: Ticket, body: str) -> TicketMessage:
    """A new message from the customer re-opens the ticket."""
    body = _clean_body(body)
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket, author_kind=AuthorKind.CUSTOMER, body=body, created_at=now
    )
    ticket.last_message_at = now
    fields = _set_status(ticket, TicketStatus.OPEN, now)
    ticket.save(update_fields=["last_message_at", "updated_at", *fields])
    audit.record(actor, AuditAction.ADD_CUSTOMER_MESSAGE, ticket)
    events.ticket_message_added(message)  # text analysis of the message and its thread
    return message


@transaction.atomic
def add_system_message(*, actor: Actor, ticket: Ticket, body: str) -> TicketMessage:
    """A message sent to the customer automatically (the assistant's acknowledgement of an email):
    on the thread for the agent to see; the status and the first-response time stay as they are."""
    body = _clean_body(body)
    message = TicketMessage.objects.create(
        ticket=ticket, author_kind=AuthorKind.SYSTEM, body=body, created_at=timezone.now()
    )
    audit.record(actor, AuditAction.REPLY, ticket, changes={"author": AuthorKind.SYSTEM.value})
    events.ticket_message_added(message)
    return message


@transaction.atomic
def link_order(*, actor: Actor, ticket: Ticket, order: Order) -> bool:
    """Name the order a ticket is about (found in an attachment, say) when it names none yet."""
    if ticket.order_id is not None or order.customer_id != ticket.customer_id:
        return False
    ticket.order = order
    ticket.save(update_fields=["order", "updated_at"])
    audit.record(actor, AuditAction.UPDATE, ticket, changes={"order": {"from": None, "to": order.pk}})
    return True


@transaction.atomic
def update_ticket(
    *,
    actor: Actor,
    ticket: Ticket,
    status: str | None = None,
    priority: str | None = None,
    assignee: Any = ...,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if status is not None:
        if status not in TicketStatus.values:
            errors["status"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(TicketStatus.values)}
        values["status"] = status
    if priority is not None:
        if priority not in Priority.values:
            errors["priority"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Priority.values)}
        values["priority"] = priority
    if assignee is not ...:
        values["assignee"] = assignee
    if errors:
        raise ServiceValidationError(errors)
    old_status = ticket.status
    changes = audit.diff(ticket, values, frozenset())
    if changes:
        if "status" in changes:
            ticket.status = old_status
            _set_status(ticket, values["status"], timezone.now())
        if "priority" in changes:
            set_due_times(ticket)  # the new priority's targets, still from the ticket's creation
        ticket.save()  # save() keeps priority_rank in step with priority
        audit.record(actor, AuditAction.UPDATE, ticket, changes=changes)
        events.ticket_changed(ticket)  # the workflows a changed ticket triggers
    return changes
