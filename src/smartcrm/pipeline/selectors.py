"""Reads of the B2B pipeline: the kanban board, filtered as the sales dashboard's links ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.pipeline.models import Deal, SalesTarget, Stage


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    deals: list[Deal]
    total_value: Decimal
    weighted_value: Decimal


# An open deal is at risk when its expected close has passed or nobody touched it for this long.
STALE_AFTER = timedelta(days=14)


def month_after(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def open_deals() -> Q:
    return Q(stage__is_won=False, stage__is_lost=False)


def at_risk(today: date) -> Q:
    """Open deals past their expected close, or untouched for :data:`STALE_AFTER`."""
    stale_since = timezone.now() - STALE_AFTER
    return open_deals() & (Q(expected_close__lt=today) | Q(updated_at__lt=stale_since))


def closing_in(month: date) -> Q:
    """Open deals expected to close in ``month``, and deals won or lost in it."""
    start, end = month.replace(day=1), month_after(month)
    expected = open_deals() & Q(expected_close__gte=start, expected_close__lt=end)
    closed = Q(closed_at__date__gte=start, closed_at__date__lt=end) & ~open_deals()
    return expected | closed


def pipeline_board(
    *,
    owner_id: int | None = None,
    stage_id: int | None = None,
    closing: date | None = None,
    risky: bool = False,
    per_stage: int = 100,
) -> list[BoardColumn]:
    """The board's columns; ``stage_id`` keeps one column, ``closing`` (a month) and ``risky``
    keep the deals closing in it and the deals :func:`at_risk`."""
    deals = Deal.objects.select_related("customer", "owner", "team").order_by("-value", "id")
    if owner_id is not None:
        deals = deals.filter(owner_id=owner_id)
    if closing is not None:
        deals = deals.filter(closing_in(closing))
    if risky:
        deals = deals.filter(at_risk(timezone.localdate()))
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


def recent_targets(limit: int = 24) -> list[SalesTarget]:
    """The latest months' sales targets, newest first."""
    return list(SalesTarget.objects.order_by("-month")[:limit])
