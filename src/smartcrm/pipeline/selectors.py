"""Reads of the B2B pipeline: the kanban board."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.pipeline.models import Deal, Stage


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    deals: list[Deal]
    total_value: Decimal
    weighted_value: Decimal


def pipeline_board(
    *, owner_id: int | None = None, stage_id: int | None = None, per_stage: int = 100
) -> list[BoardColumn]:
    """The stages (only ``stage_id`` when given) with their deals (only ``owner_id``'s)."""
    deals = Deal.objects.select_related("customer", "owner", "team").order_by("-value", "id")
    if owner_id is not None:
        deals = deals.filter(owner_id=owner_id)
    stages = Stage.objects.prefetch_related(Prefetch("deals", queryset=deals)).order_by("position")
    if stage_id is not None:
        stages = stages.filter(pk=stage_id)
    columns = []
    for stage in stages:
        stage_deals = list(stage.deals.all())
        total = sum((d.value for d in stage_deals), Decimal(0))
        columns.append(
            BoardColumn(
                stage,
                stage_deals[:per_stage],
                total,
                (total * stage.probability / 100).quantize(Decimal("0.01")),
            )
        )
    return columns


def get_deal(deal_id: int) -> Deal:
    deal = Deal.objects.select_related("stage", "customer", "owner").filter(pk=deal_id).first()
    if deal is None:
        raise NotFoundError(f"deal {deal_id}")
    return deal


def all_stages() -> list[Stage]:
    return list(Stage.objects.order_by("position"))


def get_stage(stage_id: int) -> Stage:
    stage = Stage.objects.filter(pk=stage_id).first()
    if stage is None:
        raise NotFoundError(f"stage {stage_id}")
    return stage


def filter_deals(*, stage_id: int | None = None, owner_id: int | None = None) -> QuerySet[Deal]:
    """Deals, largest first: the same order as a board column."""
    deals = Deal.objects.select_related("stage", "customer", "owner")
    if stage_id is not None:
        deals = deals.filter(stage_id=stage_id)
    if owner_id is not None:
        deals = deals.filter(owner_id=owner_id)
    return deals.order_by("-value", "id")


def deal_page(*, page: int = 1, size: int = 50, **filters: Any) -> Page[Deal]:
    return paginate(filter_deals(**filters), number=page, size=size)
