"""Reads of the conversations: the staff pages (the list, one transcript) and the customer's own
view through the chat widget (by the conversation's public token)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

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
