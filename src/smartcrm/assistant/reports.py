"""How the assistant is doing: conversations it settled alone (deflection), why it handed the
others to a person, how agents used its suggested replies, and the questions it could not
answer, grouped so each group can become an article.

A conversation is **deflected** when the assistant answered or ran a tool at least once and the
conversation was never handed to a person. Email conversations are tickets that people answer
(the assistant only acknowledges and may add an answer), so the chat figures leave them out;
the table per channel counts them. A question is **unanswered** when the assistant's
reply to it asked to clarify or handed off because it was not confident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from smartcrm.engine.dialogue.unanswered import group_questions

from .agent_assist import USED_WHEN_KEPT
from .models import Channel, Conversation, ConversationMessage, ConversationState, ReplySuggestion, Speaker

UNANSWERED_REASONS = ("low_confidence", "low_confidence_twice")
MAX_QUESTIONS = 400
HANDOFF_LABELS = {
    "asked_for_a_person": "Asked for a person",
    "angry_or_urgent": "Angry or urgent",
    "low_confidence_twice": "Not confident twice",
    "shop_setting": "Shop sends every chat to a person",
    "identity_not_confirmed": "Identity not confirmed",
    "asked_for_a_ticket": "Asked for a ticket",
}


@dataclass(frozen=True)
class UnansweredGroup:
    title: str
    language: str
    questions: list[str]
    message_ids: list[int]


@dataclass(frozen=True)
class AssistantReport:
    since: datetime
    conversations: int
    deflected: int
    handed_off: int
    handoff_reasons: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    suggestions_shown: int
    suggestions_inserted: int
    suggestions_used: int
    unanswered: list[UnansweredGroup] = field(default_factory=list)

    @property
    def deflection_rate(self) -> float | None:
        return self.deflected / self.conversations if self.conversations else None


def _unanswered(since: datetime) -> list[UnansweredGroup]:
    replies = list(
        ConversationMessage.objects.filter(
            created_at__gte=since, speaker=Speaker.ASSISTANT, reason__in=UNANSWERED_REASONS
        )
        .order_by("-created_at")
        .values_list("conversation_id", "id")[:MAX_QUESTIONS]
    )
    reply_ids = {reply_id for _, reply_id in replies}
    thread = ConversationMessage.objects.filter(conversation_id__in={c for c, _ in replies})
    asked: dict[int, ConversationMessage] = {}
    questions: list[ConversationMessage] = []
    for message in thread.select_related("conversation").order_by("conversation_id", "id"):
        if message.speaker == Speaker.CUSTOMER:
            asked[message.conversation_id] = message
        elif message.pk in reply_ids and message.conversation_id in asked:
            questions.append(asked.pop(message.conversation_id))
    groups = group_questions([q.body for q in questions])
    return [
        UnansweredGroup(
            title=questions[g.representative].body,
            language=questions[g.representative].conversation.language,
            questions=[questions[i].body for i in g.members],
            message_ids=[questions[i].pk for i in g.members],
        )
        for g in groups
    ]


def assistant_report(*, days: int = 30, now: datetime | None = None) -> AssistantReport:
    since = (now or timezone.now()) - timedelta(days=days)
    every = Conversation.objects.filter(created_at__gte=since).filter(
        Exists(ConversationMessage.objects.filter(conversation=OuterRef("pk"), speaker=Speaker.CUSTOMER))
    )
    talked = every.exclude(channel=Channel.EMAIL)
    helped = Exists(
        ConversationMessage.objects.filter(conversation=OuterRef("pk"), action__in=("answer", "tool"))
    )
    handed_off = Q(state=ConversationState.HANDED_OFF) | ~Q(handoff_reason="")
    totals = talked.aggregate(
        conversations=Count("pk"),
        handed_off=Count("pk", filter=handed_off),
    )
    deflected = talked.filter(helped).exclude(handed_off).count()
    reasons = talked.filter(handed_off).values_list("handoff_reason").annotate(n=Count("pk")).order_by("-n")
    channels = every.values_list("channel").annotate(n=Count("pk")).order_by("-n")
    suggestions = ReplySuggestion.objects.filter(created_at__gte=since).exclude(body="")
    counts = suggestions.aggregate(
        shown=Count("pk"),
        inserted=Count("pk", filter=Q(inserted_at__isnull=False)),
        used=Count("pk", filter=Q(kept__gte=USED_WHEN_KEPT)),
    )
    return AssistantReport(
        since=since,
        conversations=totals["conversations"],
        deflected=deflected,
        handed_off=totals["handed_off"],
        handoff_reasons=[(HANDOFF_LABELS.get(r, r or "Other"), n) for r, n in reasons],
        by_channel=list(channels),
        suggestions_shown=counts["shown"],
        suggestions_inserted=counts["inserted"],
        suggestions_used=counts["used"],
        unanswered=_unanswered(since),
    )
