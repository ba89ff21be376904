"""Turn a group of questions the assistant could not answer into a help-center draft."""

from __future__ import annotations

from django.utils.translation import gettext as _

from smartcrm.core.actors import Actor
from smartcrm.core.errors import ServiceValidationError
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.services import draft_from_questions

from .models import ConversationMessage, Speaker


def draft_article_for_questions(*, actor: Actor, message_ids: list[int]) -> Article:
    """A draft article listing the customers' messages ``message_ids`` (their questions)."""
    questions = list(
        ConversationMessage.objects.filter(pk__in=message_ids, speaker=Speaker.CUSTOMER)
        .select_related("conversation")
        .order_by("id")
    )
    if not questions:
        raise ServiceValidationError({"questions": _("None of these messages is a customer's question.")})
    return draft_from_questions(
        actor=actor, questions=[q.body for q in questions], language=questions[0].conversation.language
    )
