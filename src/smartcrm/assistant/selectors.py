"""Reads of the conversations for the staff pages: the list and one transcript."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

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
