from __future__ import annotations

import pytest

from smartcrm.core.errors import ServiceValidationError
from smartcrm.support.models import Priority, TicketStatus
from smartcrm.support.services import (
    add_customer_message,
    open_ticket,
    reply_to_ticket,
    update_ticket,
)
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_ticket_lifecycle(admin_user) -> None:
    customer = CustomerFactory()
    ticket = open_ticket(actor="widget", customer=customer, subject="Broken mug", body="It arrived in pieces")
    assert ticket.messages.count() == 1 and ticket.status == TicketStatus.OPEN
    reply_to_ticket(actor=admin_user, ticket=ticket, body="Sorry! A new one is on its way.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING and ticket.first_response_at is not None
    add_customer_message(actor="widget", ticket=ticket, body="Thanks, when?")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    update_ticket(actor=admin_user, ticket=ticket, priority=Priority.URGENT)
    ticket.refresh_from_db()
    assert ticket.priority_rank == 0


def test_internal_notes_do_not_count_as_a_response(admin_user) -> None:
    ticket = open_ticket(actor="x", customer=CustomerFactory(), subject="Q", body="?")
    reply_to_ticket(actor=admin_user, ticket=ticket, body="check stock", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.status == TicketStatus.OPEN


def test_validation(admin_user) -> None:
    customer = CustomerFactory()
    with pytest.raises(ServiceValidationError) as info:
        open_ticket(
            actor="x", customer=customer, subject=" ", body="hi", channel="pigeon", order=OrderFactory()
        )
    assert set(info.value.errors) == {"subject", "channel", "order_id"}
    ticket = open_ticket(actor="x", customer=customer, subject="Q", body="?")
    with pytest.raises(ServiceValidationError):
        reply_to_ticket(actor=admin_user, ticket=ticket, body="   ")
