"""Text analysis of each new customer text, enqueued after its transaction commits.

The handlers named in ``support.events`` and ``feedback.events`` (see :mod:`smartcrm.core.events`):
each returns the enqueueing to run on commit, or ``None`` when there is nothing to analyse.
Bulk loaders (imports with COPY, the demo) announce nothing and use ``smartcrm analyse_texts``
instead of one task per row.
"""

from __future__ import annotations

from collections.abc import Callable

from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.support.models import AuthorKind, TicketMessage
from smartcrm.textanalysis import jobs
from smartcrm.textanalysis.models import SourceKind

Work = Callable[[], None]


def _enqueue(*batches: tuple[str, list[int]]) -> Work:
    def work() -> None:
        for kind, ids in batches:
            jobs.analyse_texts.send(kind, ids)

    return work


def ticket_message_added(message: TicketMessage) -> Work | None:
    if message.author_kind != AuthorKind.CUSTOMER or message.is_internal:
        return None
    # The thread's intent and urgency change too.
    return _enqueue((SourceKind.TICKET_MESSAGE, [message.pk]), (SourceKind.TICKET, [message.ticket_id]))


def review_saved(review: Review) -> Work | None:
    return _enqueue((SourceKind.REVIEW, [review.pk]))


def survey_response_saved(response: SurveyResponse) -> Work | None:
    return _enqueue((SourceKind.SURVEY, [response.pk])) if response.comment else None
