"""Email campaigns: create and edit, preview, schedule or send now, cancel, and the results
against the holdout control group (docs/campaigns.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, LongText, Text40, Text200, When, omittable, referenced
from smartcrm.campaigns import selectors, services
from smartcrm.campaigns.audience import view_filter
from smartcrm.collaboration.models import ListKind
from smartcrm.collaboration.saved_views import get_visible_view
from smartcrm.core.errors import ServiceValidationError
from smartcrm.engine.uplift.holdout import MAX_SHARE

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    key: str = Field(description="The holdout's stable hash key")
    name: str
    segment: str
    saved_filter: dict[str, Any]
    persuadable_share: float | None = Field(description="Only the most persuadable share of the audience")
    subject_en: str
    body_en: str
    subject_zh: str
    body_zh: str
    send_at: datetime | None
    sends_per_minute: int
    control_share: float
    attribution_days: int
    status: str
    started_at: datetime | None
    finished_at: datetime | None


# The limits the service checks, stated in the schema.
SendRate = Annotated[int, Field(ge=1, le=1_000_000)]
ControlShare = Annotated[float, Field(ge=0, le=MAX_SHARE)]
AttributionDays = Annotated[int, Field(ge=1, le=365)]


class CampaignIn(Schema):
    name: Text200
    segment: Text40 = ""
    saved_filter: dict[str, Any] = Field(default_factory=dict, description="The customer list's filters")
    saved_view_id: Id | None = Field(
        None, description="A saved customer view (yours or your team's): its filters become the audience"
    )
    persuadable_share: float | None = Field(
        None,
        gt=0,
        le=1,
        description="0 < share ≤ 1: only the most persuadable share of the audience (uplift scores)",
    )
    subject_en: Text200 = ""
    body_en: LongText = ""
    subject_zh: Text200 = ""
    body_zh: LongText = ""
    sends_per_minute: SendRate = 600
    control_share: ControlShare = 0.1
    attribution_days: AttributionDays = 14


class CampaignPatch(Schema):
    name: Text200 = omittable()
    segment: Text40 = omittable()
    saved_filter: dict[str, Any] = omittable()
    persuadable_share: float | None = omittable()
    subject_en: Text200 = omittable()
    body_en: LongText = omittable()
    subject_zh: Text200 = omittable()
    body_zh: LongText = omittable()
    sends_per_minute: SendRate = omittable()
    control_share: ControlShare = omittable()
    attribution_days: AttributionDays = omittable()


class ScheduleIn(Schema):
    send_at: When | None = Field(None, description="With its offset; omitted: now")


class PreviewOut(Schema):
    language: str
    customer_name: str
    subject: str
    body: str


class ResultsOut(Schema):
    status_counts: dict[str, int]
    window_start: datetime | None
    window_end: datetime | None
    enough_data: bool
    n_treatment: int
    n_control: int
    conversion_treatment: float
    conversion_control: float
    lift_pp: float
    lift_low_pp: float
    lift_high_pp: float
    revenue_per_customer_treatment: float
    revenue_per_customer_control: float
    incremental_revenue: float
    incremental_revenue_low: float
    incremental_revenue_high: float
    sentence: str


def _with_view_filter(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """``saved_view_id`` replaced by the view's customer filters (422 for a view the caller
    cannot see or that is not a customer view)."""
    view_id = values.pop("saved_view_id", None)
    if view_id is None:
        return values
    view = referenced(lambda pk: get_visible_view(user, pk), view_id, "saved_view_id")
    if view.list_kind != ListKind.CUSTOMERS:
        raise ServiceValidationError({"saved_view_id": "Not a customer view."})
    return {**values, "saved_filter": view_filter(view)}


@router.get("", response={200: list[CampaignOut], **AUTH_ERRORS}, summary="List campaigns")
@needs(Capability.MANAGE_CAMPAIGNS)
def list_campaigns(request: HttpRequest) -> Any:
    return list(selectors.campaign_list()[:500])


@router.post("", response={201: CampaignOut, **CREATE_ERRORS}, summary="Create a campaign (a draft)")
@needs(Capability.MANAGE_CAMPAIGNS)
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    user = require_user(request)
    values = _with_view_filter(user, payload.model_dump())
    return Status(201, services.create_campaign(actor=user, values=values))


@router.get("/{campaign_id}", response={200: CampaignOut, **ONE_ERRORS}, summary="Get a campaign")
@needs(Capability.MANAGE_CAMPAIGNS)
def get_campaign(request: HttpRequest, campaign_id: Id) -> Any:
    return selectors.get_campaign(campaign_id)


@router.patch("/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS}, summary="Change a draft")
@needs(Capability.MANAGE_CAMPAIGNS)
def update_campaign(request: HttpRequest, campaign_id: Id, payload: CampaignPatch) -> Any:
    user = require_user(request)
    campaign = selectors.get_campaign(campaign_id)
    return services.update_campaign(
        actor=user, campaign=campaign, values=payload.model_dump(exclude_unset=True)
    )


@router.get(
    "/{campaign_id}/preview", response={200: list[PreviewOut], **ONE_ERRORS}, summary="Preview per language"
)
@needs(Capability.MANAGE_CAMPAIGNS)
def preview(request: HttpRequest, campaign_id: Id) -> Any:
    return selectors.preview(selectors.get_campaign(campaign_id))


@router.post(
    "/{campaign_id}/schedule", response={200: CampaignOut, **WRITE_ERRORS}, summary="Schedule or send now"
)
@needs(Capability.MANAGE_CAMPAIGNS)
def schedule(request: HttpRequest, campaign_id: Id, payload: ScheduleIn) -> Any:
    user = require_user(request)
    campaign = selectors.get_campaign(campaign_id)
    return services.schedule_campaign(actor=user, campaign=campaign, send_at=payload.send_at)


@router.post("/{campaign_id}/cancel", response={200: CampaignOut, **WRITE_ERRORS}, summary="Cancel")
@needs(Capability.MANAGE_CAMPAIGNS)
def cancel(request: HttpRequest, campaign_id: Id) -> Any:
    user = require_user(request)
    return services.cancel_campaign(actor=user, campaign=selectors.get_campaign(campaign_id))


@router.get(
    "/{campaign_id}/results", response={200: ResultsOut, **ONE_ERRORS}, summary="Uplift against the holdout"
)
@needs(Capability.MANAGE_CAMPAIGNS)
def results(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    found = selectors.results(selectors.get_campaign(campaign_id))
    e = found.estimate
    return {
        "status_counts": found.counts,
        "window_start": found.window_start,
        "window_end": found.window_end,
        "enough_data": bool(e and e.enough_data),
        "n_treatment": e.n_treatment if e else 0,
        "n_control": e.n_control if e else 0,
        "conversion_treatment": e.conversion_treatment if e else 0.0,
        "conversion_control": e.conversion_control if e else 0.0,
        "lift_pp": e.lift_pp if e else 0.0,
        "lift_low_pp": e.lift_low_pp if e else 0.0,
        "lift_high_pp": e.lift_high_pp if e else 0.0,
        "revenue_per_customer_treatment": e.revenue_treatment if e else 0.0,
        "revenue_per_customer_control": e.revenue_control if e else 0.0,
        "incremental_revenue": e.incremental_revenue if e else 0.0,
        "incremental_revenue_low": e.incremental_revenue_low if e else 0.0,
        "incremental_revenue_high": e.incremental_revenue_high if e else 0.0,
        "sentence": found.sentence,
    }
