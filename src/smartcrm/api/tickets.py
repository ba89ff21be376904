"""The support inbox: tickets with their message threads, replies and triage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user, staff_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    Id,
    LongText,
    PageMeta,
    PageQuery,
    Search,
    Text10,
    Text200,
    omittable,
    page_response,
    referenced,
    text_for_caller,
)
from smartcrm.assistant.channels.mail_in import ticket_arrived
from smartcrm.customers.selectors import get_customer
from smartcrm.orders.selectors import get_order
from smartcrm.support import selectors, services
from smartcrm.support.models import Priority, Ticket, TicketChannel, TicketMessage, TicketStatus

router = Router(tags=["tickets"])


class TicketQuery(PageQuery):
    status: TicketStatus | None = Field(None, description="Open and pending tickets when omitted")
    priority: Priority | None = None
    customer_id: Id | None = None
    assignee_id: Id | None = None
    search: Search = Field("", description="Part of the subject")


class TicketSummaryOut(Schema):
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    language: str
    created_at: datetime
    last_message_at: datetime
    customer_id: int
    customer_name: str
    order_id: int | None
    assignee_id: int | None
    assignee: str | None = Field(description="The assignee's username")

    @staticmethod
    def resolve_customer_name(obj: Ticket) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_subject(obj: Ticket, context: dict[str, Any]) -> str:
        return text_for_caller(obj.subject, context)

    @staticmethod
    def resolve_assignee(obj: Ticket) -> str | None:
        return obj.assignee.get_username() if obj.assignee_id and obj.assignee else None


class TicketPage(PageMeta):
    items: list[TicketSummaryOut]


class MessageOut(Schema):
    id: int
    author_kind: str
    author: str | None = Field(description="The agent's username; null for the customer")
    body: str
    is_internal: bool
    created_at: datetime

    @staticmethod
    def resolve_author(obj: TicketMessage) -> str | None:
        return obj.author.get_username() if obj.author_id and obj.author else None

    @staticmethod
    def resolve_body(obj: TicketMessage, context: dict[str, Any]) -> str:
        return text_for_caller(obj.body, context)


class TicketOut(TicketSummaryOut):
    updated_at: datetime
    first_response_at: datetime | None
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj: Ticket) -> list[Any]:
        return list(obj.messages.all())


class TicketIn(Schema):
    customer_id: Id
    subject: Text200
    body: LongText = Field(description="The customer's first message")
    channel: TicketChannel = TicketChannel.EMAIL
    priority: Priority = Priority.NORMAL
    language: Text10 = "en"
    order_id: Id | None = None


class TicketPatch(Schema):
    """Only the fields sent are changed; ``"assignee_id": null`` unassigns."""

    status: TicketStatus = omittable()
    priority: Priority = omittable()
    assignee_id: Id | None = Field(None)


class MessageIn(Schema):
    body: LongText
    author: Literal["agent", "customer"] = Field(
        "agent", description="An agent's reply (as the caller), or a message received from the customer"
    )
    internal: bool = Field(False, description="An internal note, not sent (agent only)")
    status: TicketStatus | None = Field(
        None, description="The ticket's status after an agent's reply (pending by default)"
    )


@router.get("", response={200: TicketPage, **READ_ERRORS}, summary="List tickets (the inbox)")
@needs(Capability.VIEW_TICKETS)
def list_tickets(request: HttpRequest, query: Query[TicketQuery]) -> dict[str, Any]:
    """Most urgent first, then the longest waiting."""
    page = selectors.inbox_page(
        page=query.page,
        size=query.page_size,
        status=query.status or "",
        priority=query.priority or "",
        customer_id=query.customer_id,
        assignee_id=query.assignee_id,
        search=query.search,
    )
    return page_response(page)


@router.post("", response={201: TicketOut, **CREATE_ERRORS}, summary="Open a ticket with its first message")
@needs(Capability.REPLY_TICKETS)
def open_ticket(request: HttpRequest, payload: TicketIn) -> Status:
    user = require_user(request)
    customer = referenced(get_customer, payload.customer_id, "customer_id")
    order = referenced(get_order, payload.order_id, "order_id") if payload.order_id else None
    ticket = services.open_ticket(
        actor=user,
        customer=customer,
        subject=payload.subject,
        body=payload.body,
        channel=payload.channel,
        priority=payload.priority,
        language=payload.language,
        order=order,
    )
    ticket_arrived(ticket)  # an email ticket: the assistant's acknowledgement, per the shop's settings
    return Status(201, selectors.get_ticket_thread(ticket.pk))


@router.get("/{ticket_id}", response={200: TicketOut, **ONE_ERRORS}, summary="Get a ticket with its messages")
@needs(Capability.VIEW_TICKETS)
def get_ticket(request: HttpRequest, ticket_id: Id) -> Any:
    return selectors.get_ticket_thread(ticket_id)


@router.patch(
    "/{ticket_id}",
    response={200: TicketOut, **WRITE_ERRORS},
    summary="Change a ticket's status, priority or assignee",
)
@needs(Capability.REPLY_TICKETS)
def update_ticket(request: HttpRequest, ticket_id: Id, payload: TicketPatch) -> Any:
    user = require_user(request)
    ticket = selectors.get_ticket_thread(ticket_id)
    values = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {"status": values.get("status"), "priority": values.get("priority")}
    if "assignee_id" in values:
        assignee_id = values["assignee_id"]
        changes["assignee"] = referenced(staff_user, assignee_id, "assignee_id") if assignee_id else None
    services.update_ticket(actor=user, ticket=ticket, **changes)
    return selectors.get_ticket_thread(ticket_id)


@router.post(
    "/{ticket_id}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    summary="Add a message: an agent's reply or note, or the customer's message",
)
@needs(Capability.REPLY_TICKETS)
def add_message(request: HttpRequest, ticket_id: Id, payload: MessageIn) -> Status:
    user = require_user(request)
    ticket = selectors.get_ticket_thread(ticket_id)
    if payload.author == "customer":
        message = services.add_customer_message(actor=user, ticket=ticket, body=payload.body)
    else:
        message = services.reply_to_ticket(
            actor=user, ticket=ticket, body=payload.body, internal=payload.internal, status=payload.status
        )
    return Status(201, message)
