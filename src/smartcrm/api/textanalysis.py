"""Text analyses: sentiment, aspects, intent, urgency and the redacted text of customer texts.

Read-only: analyses are written by the background task and ``smartcrm analyse_texts``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs
from smartcrm.api.errors import ONE_ERRORS, READ_ERRORS
from smartcrm.api.schemas import Day, Id, PageMeta, PageQuery, page_response
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pagination import paginate
from smartcrm.engine.nlp.intent import INTENTS
from smartcrm.textanalysis import selectors
from smartcrm.textanalysis.models import SourceKind, TextAnalysis

router = Router(tags=["text analysis"])

Sentiment = Literal["negative", "neutral", "positive"]
Intent = Literal[INTENTS]  # type: ignore[valid-type]
UrgencyLevel = Literal["urgent", "high", "normal", "low"]


class EntityOut(Schema):
    kind: str
    start: int
    end: int
    value: str | None = Field(None, description="Only for order numbers; personal data is never returned")


class TextAnalysisOut(Schema):
    source_kind: SourceKind
    source_id: int
    customer_id: int | None
    text_created_at: datetime
    lang: str
    sentiment: Sentiment
    sentiment_score: float = Field(description="Positive minus negative probability, -1 to 1")
    aspects: dict[str, Sentiment] = Field(description="Shop aspects mentioned and the sentiment about each")
    intent: str = Field(description="Support texts only (empty for reviews and surveys)")
    intent_confidence: float | None
    urgency: float | None = Field(description="0-1, support texts only")
    urgency_level: str
    priority: str
    team: str
    sla_hours: float | None
    redacted: str = Field(description="The text with e-mails, phones, cards, names and addresses replaced")
    entities: list[EntityOut]
    model_version: str
    analysed_at: datetime


class TextAnalysisPage(PageMeta):
    items: list[TextAnalysisOut]


class TextAnalysisQuery(PageQuery):
    kind: SourceKind | None = None
    sentiment: Sentiment | None = None
    intent: Intent | None = None
    urgency_level: UrgencyLevel | None = None
    customer_id: int | None = Field(None, ge=1)
    sort: Literal["newest", "urgency"] = "newest"


class DailyNegativeOut(Schema):
    day: date
    texts: int
    negative: int
    negative_share: float


class NegativeShareQuery(Schema):
    start: Day
    end: Day


@router.get("", response={200: TextAnalysisPage, **READ_ERRORS}, summary="List text analyses")
@needs(Capability.VIEW_TICKETS)
def list_analyses(request: HttpRequest, query: Query[TextAnalysisQuery]) -> dict[str, Any]:
    """Filter by kind, ``?sentiment=``, ``?intent=``, urgency level or customer; newest or most urgent."""
    queryset = selectors.analysis_list(
        kind=query.kind or "",
        sentiment=query.sentiment or "",
        intent=query.intent or "",
        urgency_level=query.urgency_level or "",
        customer_id=query.customer_id,
        sort=query.sort,
    )
    return page_response(paginate(queryset, number=query.page, size=query.page_size))


@router.get(
    "/negative-share", response={200: list[DailyNegativeOut], **READ_ERRORS}, summary="Daily negative share"
)
@needs(Capability.VIEW_TICKETS)
def negative_share(request: HttpRequest, query: Query[NegativeShareQuery]) -> list[dict[str, Any]]:
    """Texts and the share of negative ones per day (what the anomaly alerts watch)."""
    if query.end < query.start or (query.end - query.start).days > 731:
        raise ServiceValidationError({"end": "Must be on or after start, at most two years later."})
    records: list[dict[str, Any]] = selectors.daily_negative_share(query.start, query.end).to_dict(
        orient="records"
    )
    return records


@router.get("/{kind}/{source_id}", response={200: TextAnalysisOut, **ONE_ERRORS}, summary="Get one analysis")
@needs(Capability.VIEW_TICKETS)
def get_analysis(request: HttpRequest, kind: SourceKind, source_id: Id) -> TextAnalysis:
    return selectors.get_analysis(kind, source_id)
