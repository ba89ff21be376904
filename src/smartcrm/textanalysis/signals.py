"""Analyse every new customer text after its transaction commits.

Connected here rather than called from the support and feedback services so those apps need
not know about text analysis. Raw saves (fixtures, ``loaddata``) are skipped; bulk loaders
(imports, the demo) use ``smartcrm analyse_texts`` instead of one task per row.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.support.models import AuthorKind, TicketMessage
from smartcrm.textanalysis.models import SourceKind

UID = "smartcrm.textanalysis"


def _enqueue(kind: str, ids: list[int]) -> None:
    from smartcrm.textanalysis.tasks import analyse_texts_task

    transaction.on_commit(lambda: analyse_texts_task.delay(kind, ids))


def on_message(
    sender: type, instance: TicketMessage, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not created or instance.author_kind != AuthorKind.CUSTOMER or instance.is_internal:
        return
    _enqueue(SourceKind.TICKET_MESSAGE, [instance.pk])
    _enqueue(SourceKind.TICKET, [instance.ticket_id])  # the thread's intent and urgency change too


def on_review(sender: type, instance: Review, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _enqueue(SourceKind.REVIEW, [instance.pk])


def on_survey(sender: type, instance: SurveyResponse, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.comment:
        _enqueue(SourceKind.SURVEY, [instance.pk])


post_save.connect(on_message, sender=TicketMessage, dispatch_uid=f"{UID}.message")
post_save.connect(on_review, sender=Review, dispatch_uid=f"{UID}.review")
post_save.connect(on_survey, sender=SurveyResponse, dispatch_uid=f"{UID}.survey")
