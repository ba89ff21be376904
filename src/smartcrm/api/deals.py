"""The B2B pipeline: deals (moving one between stages is a PATCH of ``stage_id``) and stages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user, staff_user
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    Currency,
    Id,
    Money,
    PageMeta,
    PageQuery,
    Text200,
    omittable,
    page_response,
    referenced,
)
from smartcrm.customers.selectors import get_customer
from smartcrm.pipeline import selectors, services
from smartcrm.pipeline.models import Deal

router = Router(tags=["deals"])
stages_router = Router(tags=["deals"])


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int = Field(description="Chance to win, in percent")
    is_won: bool
    is_lost: bool


class DealQuery(PageQuery):
    stage_id: Id | None = None
    owner_id: Id | None = None


class DealOut(Schema):
    id: int
    title: str
    stage: StageOut
    value: Decimal
    currency: str
    customer_id: int | None
    customer_name: str | None
    owner_id: int | None
    owner: str | None = Field(description="The owner's username")
    expected_close: date | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_customer_name(obj: Deal) -> str | None:
        return obj.customer.name if obj.customer_id and obj.customer else None

    @staticmethod
    def resolve_owner(obj: Deal) -> str | None:
        return obj.owner.get_username() if obj.owner_id and obj.owner else None


class DealPage(PageMeta):
    items: list[DealOut]


class DealIn(Schema):
    title: Text200
    stage_id: Id
    value: Money = Decimal("0")
    currency: Currency = "USD"
    customer_id: Id | None = None
    owner_id: Id | None = Field(None, description="The caller when omitted")
    expected_close: date | None = None


class DealPatch(Schema):
    """Only the fields sent are changed; a new ``stage_id`` moves the deal (won/lost close it)."""

    title: Text200 = omittable()
    stage_id: Id = omittable()
    value: Money = omittable()
    currency: Currency = omittable()
    customer_id: Id | None = Field(None)
    owner_id: Id | None = Field(None)
    expected_close: date | None = Field(None)


def _references(values: dict[str, Any]) -> dict[str, Any]:
    """Replace ``customer_id`` and ``owner_id`` by the objects they name (422 when unknown)."""
    if "customer_id" in values:
        customer_id = values.pop("customer_id")
        values["customer"] = referenced(get_customer, customer_id, "customer_id") if customer_id else None
    if "owner_id" in values:
        owner_id = values.pop("owner_id")
        values["owner"] = referenced(staff_user, owner_id, "owner_id") if owner_id else None
    return values


@stages_router.get("", response={200: list[StageOut], **AUTH_ERRORS}, summary="List pipeline stages")
@needs(Capability.VIEW_PIPELINE)
def list_stages(request: HttpRequest) -> list[Any]:
    return selectors.all_stages()


@router.get("", response={200: DealPage, **READ_ERRORS}, summary="List deals")
@needs(Capability.VIEW_PIPELINE)
def list_deals(request: HttpRequest, query: Query[DealQuery]) -> dict[str, Any]:
    """Largest first."""
    page = selectors.deal_page(
        page=query.page, size=query.page_size, stage_id=query.stage_id, owner_id=query.owner_id
    )
    return page_response(page)


@router.post("", response={201: DealOut, **CREATE_ERRORS}, summary="Create a deal")
@needs(Capability.EDIT_PIPELINE)
def create_deal(request: HttpRequest, payload: DealIn) -> Status:
    user = require_user(request)
    values = _references(payload.model_dump(exclude={"title", "stage_id", "value", "currency"}))
    deal = services.create_deal(
        actor=user,
        title=payload.title,
        stage=referenced(selectors.get_stage, payload.stage_id, "stage_id"),
        value=payload.value,
        currency=payload.currency,
        customer=values["customer"],
        owner=values["owner"] if payload.owner_id else user,
        expected_close=values["expected_close"],
    )
    return Status(201, selectors.get_deal(deal.pk))


@router.get("/{deal_id}", response={200: DealOut, **ONE_ERRORS}, summary="Get a deal")
@needs(Capability.VIEW_PIPELINE)
def get_deal(request: HttpRequest, deal_id: Id) -> Any:
    return selectors.get_deal(deal_id)


@router.patch(
    "/{deal_id}", response={200: DealOut, **WRITE_ERRORS}, summary="Update a deal or move it to a stage"
)
@needs(Capability.EDIT_PIPELINE)
def update_deal(request: HttpRequest, deal_id: Id, payload: DealPatch) -> Any:
    user = require_user(request)
    deal = selectors.get_deal(deal_id)
    values = _references(payload.model_dump(exclude_unset=True))
    stage_id = values.pop("stage_id", None)
    stage = referenced(selectors.get_stage, stage_id, "stage_id") if stage_id else None
    with transaction.atomic():
        services.update_deal(actor=user, deal=deal, values=values)
        if stage is not None:
            services.move_deal(actor=user, deal=deal, stage=stage)
    return selectors.get_deal(deal_id)


@router.delete("/{deal_id}", response={204: None, **ONE_ERRORS}, summary="Delete a deal")
@needs(Capability.EDIT_PIPELINE)
def delete_deal(request: HttpRequest, deal_id: Id) -> Status:
    user = require_user(request)
    services.delete_deal(actor=user, deal=selectors.get_deal(deal_id))
    return Status(204, None)
