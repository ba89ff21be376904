"""Reads of the conversations: the staff pages (the list, one transcript), the customer's own
view through the chat widget (by the conversation's public token), and the look-ups of the
reply guards (whose customer an order number or a phone number is)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order

from .models import Channel, Conversation, ConversationMessage


def conversations(*, state: str = "") -> QuerySet[Conversation]:
    queryset = Conversation.objects.select_related("customer", "ticket").annotate(
        n_messages=Count("messages"),
        n_answers=Count("messages", filter=Q(messages__action="answer")),
    )
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-updated_at")


def conversation(conversation_id: int) -> Conversation | None:
    return Conversation.objects.select_related("customer", "ticket").filter(pk=conversation_id).first()


def transcript(item: Conversation) -> list[ConversationMessage]:
    return list(item.messages.all())


def widget_conversation(token: str) -> Conversation | None:
    """The website chat conversation a visitor holds the token of (unknown: None). Another
    channel's conversation is never reachable through the widget, whatever its token."""
    if not token:
        return None
    return Conversation.objects.filter(public_token=token, channel=Channel.WIDGET).first()


def messages_after(item: Conversation, after: int = 0, limit: int = 200) -> list[ConversationMessage]:
    """The conversation's messages after the one with id ``after`` (the widget polls with it),
    oldest first; the last ``limit`` when there are more (a reload shows the recent ones)."""
    newest = list(item.messages.filter(pk__gt=after).order_by("-id")[:limit])
    return newest[::-1]


def order_to_try() -> Order | None:
    """The latest order, for the widget's demo page to suggest to a member of staff."""
    return Order.objects.select_related("customer").order_by("-placed_at").first()


def orders_of_others(numbers: Iterable[str], customer_id: int | None) -> bool:
    """Whether any of ``numbers`` (any case) is an order of a customer other than ``customer_id``."""
    wanted = [n for n in numbers if n]
    if not wanted:
        return False
    orders = Order.objects.filter(reduce(or_, (Q(number__iexact=n) for n in wanted)))
    if customer_id is not None:
        orders = orders.exclude(customer_id=customer_id)
    return orders.exists()


def phone_belongs_to_another(e164: str, customer_id: int | None) -> bool:
    customers = Customer.objects.filter(phone_hash=hash_for_lookup(e164))
    if customer_id is not None:
        customers = customers.exclude(pk=customer_id)
    return customers.exists()
