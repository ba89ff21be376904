"""Agent assist on a ticket: a suggested reply with its sources, a summary of the thread and the
related help-center articles, and a record of what the agent did with the suggestion.

The suggestion answers the ticket's latest customer message from the published articles, the
same search the assistant uses in a chat; it is stored once per customer message, so the
reports can tell how often agents inserted it and how much of it their sent reply kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.utils import timezone

from smartcrm.core.errors import NotFoundError
from smartcrm.engine.nlp.summaries import summarize_thread
from smartcrm.support.models import AuthorKind, Ticket, TicketMessage

from . import answers
from .models import ReplySuggestion
from .replies import say

# A sent reply that keeps at least this much of the suggestion (difflib ratio) "used" it.
USED_WHEN_KEPT = 0.5
# A single short message is its own summary.
SUMMARY_FROM_CHARS = 280


@dataclass(frozen=True)
class AgentAssist:
    summary: list[str]
    suggestion: ReplySuggestion | None
    related: list[dict[str, Any]] = field(default_factory=list)


def _question(ticket: Ticket, messages: list[TicketMessage]) -> TicketMessage | None:
    customer = [m for m in messages if m.author_kind == AuthorKind.CUSTOMER and not m.is_internal]
    return customer[-1] if customer else None


def _language(ticket: Ticket) -> str:
    return "zh-Hans" if ticket.language.lower().startswith("zh") else "en"


def assist_for_ticket(ticket: Ticket) -> AgentAssist:
    """The assist card for ``ticket`` (its messages prefetched); the suggestion for the latest
    customer message is made once and kept."""
    messages = list(ticket.messages.all())
    visible = [m.body for m in messages if not m.is_internal]
    summary = (
        summarize_thread(visible) if len(visible) > 1 or len(visible[0] if visible else "") > 280 else []
    )
    question = _question(ticket, messages)
    if question is None:
        return AgentAssist(summary, None)
    language = _language(ticket)
    suggestion = ReplySuggestion.objects.filter(ticket=ticket, for_message=question).first()
    if suggestion is None:
        found = answers.find_answer(f"{ticket.subject}\n{question.body}", language)
        body = ""
        if found.retrieved.answerable and found.passages:
            body = "\n\n".join(
                [say("agent_greeting", language), found.answer_text(language), say("agent_closing", language)]
            )
        suggestion, _ = ReplySuggestion.objects.get_or_create(
            ticket=ticket,
            for_message=question,
            defaults={
                "language": language,
                "body": body,
                "citations": found.citations[:3],
                "confidence": found.retrieved.confidence,
            },
        )
    return AgentAssist(summary, suggestion, list(suggestion.citations))


def insert_suggestion(*, ticket: Ticket, suggestion_id: int) -> ReplySuggestion:
    """The agent put the suggestion into the reply box (the first time counts)."""
    suggestion = ReplySuggestion.objects.filter(pk=suggestion_id, ticket=ticket).exclude(body="").first()
    if suggestion is None:
        raise NotFoundError(f"reply suggestion {suggestion_id}")
    if suggestion.inserted_at is None:
        suggestion.inserted_at = timezone.now()
        suggestion.save(update_fields=["inserted_at"])
    return suggestion


def record_reply(message: TicketMessage) -> None:
    """Mark how much of the open suggestion an agent's sent reply kept."""
    suggestion = (
        ReplySuggestion.objects.filter(
            ticket_id=message.ticket_id,
            sent_message__isnull=True,
            for_message__created_at__lte=message.created_at,
        )
        .exclude(body="")
        .order_by("-for_message__created_at")
        .first()
    )
    if suggestion is None:
        return
    suggestion.sent_message = message
    suggestion.kept = round(SequenceMatcher(None, suggestion.body, message.body, autojunk=False).ratio(), 3)
    suggestion.save(update_fields=["sent_message", "kept"])
