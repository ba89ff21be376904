"""The assistant's tools. Each acts on the conversation's identified customer only: the order
is looked up among that customer's orders, never by number alone."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats

from smartcrm.customers.models import Customer
from smartcrm.engine.dialogue.cues import order_numbers
from smartcrm.orders.models import Order, OrderStatus
from smartcrm.support.models import Priority, Ticket, TicketChannel
from smartcrm.support.services import open_ticket

from .models import Conversation
from .replies import say
from .transcript import transcript

RETURNABLE = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED})
STATUS_WORDS = {
    "zh-Hans": {
        "pending": "待付款",
        "paid": "已付款，待发货",
        "shipped": "已发货",
        "delivered": "已送达",
        "cancelled": "已取消",
        "partially_refunded": "已部分退款",
        "refunded": "已退款",
    }
}


def _status(order: Order, language: str) -> str:
    return STATUS_WORDS.get(language, {}).get(order.status) or order.get_status_display().lower()


def _date(value: datetime) -> str:
    return formats.date_format(value, "Y-m-d")


def the_order(customer: Customer, text: str) -> tuple[Order | None, str | None]:
    """The customer's order named in ``text`` (else their latest), and a number they named that
    is not theirs (to say so without naming it back or telling whose it is)."""
    mine = Order.objects.filter(customer=customer)
    named = order_numbers(text)
    for number in named:
        order = mine.filter(number__iexact=number).first()
        if order is not None:
            return order, None
    return mine.order_by("-placed_at").first(), (named[0] if named else None)


def order_status(conversation: Conversation, customer: Customer, text: str) -> str:
    order, unknown = the_order(customer, text)
    language = conversation.language
    if order is None:
        return say("no_orders", language)
    reply = say(
        "order_status",
        language,
        number=order.number,
        placed=_date(order.placed_at),
        status=_status(order, language),
    )
    if order.shipped_at:
        reply += say("shipped", language, date=_date(order.shipped_at))
    if unknown:
        reply = say("unknown_order", language, latest=order.number) + "\n" + reply
    return reply


def start_return(conversation: Conversation, customer: Customer, text: str) -> tuple[str, Ticket | None]:
    """Open a return request (a ticket about the order, routed like any ticket)."""
    order, unknown = the_order(customer, text)
    language = conversation.language
    if order is None:
        return say("no_orders", language), None
    if unknown:
        return say("unknown_order", language, latest=order.number), None
    if order.status not in RETURNABLE:
        return say(
            "return_not_possible", language, number=order.number, status=_status(order, language)
        ), None
    ticket = open_ticket(
        actor="assistant",
        customer=customer,
        subject=f"Return request for order #{order.number}",
        body=transcript(conversation),
        channel=TicketChannel.CHAT,
        priority=Priority.NORMAL,
        language=language,
        order=order,
    )
    return say("return_started", language, ticket=ticket.pk, number=order.number), ticket
