"""Reads of the conversations for the staff pages (the list and one transcript), and the
look-ups of the reply guards (whose customer an order number or a phone number is)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order

from .models import Conversation, ConversationMessage


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
