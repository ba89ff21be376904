"""The sales dashboard's figures: the pipeline by stage, this month's forecast against its
target, and the deals at risk.

The forecast is what is won this month plus the open deals expected to close in it, each
weighted by its stage's chance to win. Every figure is the aggregate of a filter the pipeline
board also applies (:mod:`smartcrm.pipeline.selectors`), so a click on it shows its deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum

from smartcrm.pipeline.models import Deal, SalesTarget, Stage
from smartcrm.pipeline.selectors import at_risk, closing_in, open_deals

CENT = Decimal("0.01")
AT_RISK_SHOWN = 10


@dataclass(frozen=True)
class StageFigure:
    stage_id: int
    name: str
    probability: int
    deals: int
    value: Decimal
    weighted_value: Decimal


@dataclass(frozen=True)
class SalesDashboard:
    month: date
    stages: list[StageFigure]  # the open stages, in board order
    won_stage_id: int | None
    won: Decimal  # won this month
    won_deals: int
    weighted_open: Decimal  # open deals expected to close this month, weighted
    closing_deals: int
    target: Decimal | None
    at_risk_deals: int
    at_risk_value: Decimal
    at_risk: list[Deal]  # the largest

    @property
    def forecast(self) -> Decimal:
        return self.won + self.weighted_open

    @property
    def attainment(self) -> float | None:
        """The forecast as a share of the target."""
        return float(self.forecast / self.target) if self.target else None


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT)


def sales_dashboard(today: date) -> SalesDashboard:
    """Figures for the calendar month of ``today`` (seven queries)."""
    month = today.replace(day=1)
    stages = list(Stage.objects.order_by("position"))
    by_stage = {
        row["stage_id"]: row
        for row in Deal.objects.values("stage_id").annotate(deals=Count("id"), value=Sum("value"))
    }
    figures = []
    for stage in stages:
        if stage.is_won or stage.is_lost:
            continue
        row = by_stage.get(stage.pk, {})
        value = _money(row.get("value"))
        figures.append(
            StageFigure(
                stage.pk,
                stage.name,
                stage.probability,
                row.get("deals", 0),
                value,
                (value * stage.probability / 100).quantize(CENT),
            )
        )
    closing = Deal.objects.filter(closing_in(month))
    won = closing.filter(stage__is_won=True).aggregate(n=Count("id"), value=Sum("value"))
    weighted = ExpressionWrapper(
        F("value") * F("stage__probability") / 100, output_field=DecimalField(max_digits=16, decimal_places=2)
    )
    expected = closing.filter(open_deals()).aggregate(n=Count("id"), value=Sum(weighted))
    risky = Deal.objects.filter(at_risk(today))
    risk = risky.aggregate(n=Count("id"), value=Sum("value"))
    target = SalesTarget.objects.filter(month=month).values_list("amount", flat=True).first()
    return SalesDashboard(
        month=month,
        stages=figures,
        won_stage_id=next((s.pk for s in stages if s.is_won), None),
        won=_money(won["value"]),
        won_deals=won["n"],
        weighted_open=_money(expected["value"]),
        closing_deals=expected["n"],
        target=target,
        at_risk_deals=risk["n"],
        at_risk_value=_money(risk["value"]),
        at_risk=list(
            risky.select_related("stage", "customer", "owner").order_by("-value", "id")[:AT_RISK_SHOWN]
        ),
    )
