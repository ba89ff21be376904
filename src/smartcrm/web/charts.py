"""Server-side SVG charts: geometry computed here, drawn by a template. No chart library and
no script, so the chart works under the strict CSP and prints as it looks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.formats import date_format

from smartcrm.readmodels.dashboard import MonthlyRevenue

WIDTH = 960
HEIGHT = 280
LEFT = 64  # room for the y-axis labels
BOTTOM = 28  # room for the month labels
TOP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    cx: float  # the bar's centre, where its month label sits
    label: str
    show_label: bool
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: Decimal


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    empty: bool


def _nice_step(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``, so the axis reads in round steps."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** value.adjusted()
    for step in (1, 2, 5):
        if value <= magnitude * step:
            return magnitude * step
    return magnitude * 10


def revenue_chart(months: Sequence[MonthlyRevenue]) -> BarChart:
    plot_width = WIDTH - LEFT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = float(TOP + plot_height)
    highest = max((m.revenue for m in months), default=Decimal(0))
    step = _nice_step(highest / 5)
    divisions = max(1, int((highest / step).to_integral_value(rounding=ROUND_CEILING)))  # at most 5
    top_value = step * divisions
    slot = plot_width / max(len(months), 1)
    bars = []
    for i, month in enumerate(months):
        height = float(max(month.revenue, Decimal(0)) / top_value) * plot_height
        bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 2),
                y=round(baseline - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                cx=round(LEFT + i * slot + slot / 2, 2),
                label=date_format(month.month, "M y"),
                # Every label fits on a 12-month chart; on longer ones every other month.
                show_label=len(months) <= 12 or i % 2 == (len(months) - 1) % 2,
                revenue=month.revenue,
                orders=month.orders,
            )
        )
    ticks = [
        Tick(y=round(baseline - plot_height * i / divisions, 2), value=step * i) for i in range(divisions + 1)
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        empty=all(m.revenue == 0 for m in months),
    )


@dataclass(frozen=True)
class ChartPoint:
    """One bar of a dashboard chart: what it counts, and the list of the records behind it."""

    label: str
    value: Decimal
    caption: str  # the bar's figures in words (its tooltip)
    href: str


@dataclass(frozen=True)
class LinkedBar:
    x: float
    y: float
    width: float
    height: float
    cx: float
    label: str
    caption: str
    href: str


@dataclass(frozen=True)
class AxisTick:
    y: float
    label: str


@dataclass(frozen=True)
class LinkedBarChart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[LinkedBar]
    ticks: list[AxisTick]
    empty: bool


def linked_bar_chart(
    points: Sequence[ChartPoint], *, axis: Callable[[Decimal], str], width: int = 640, height: int = 220
) -> LinkedBarChart:
    """Bars that link to their records (an SVG ``<a>`` each, no script); ``axis`` words a tick."""
    plot_width = width - LEFT
    plot_height = height - TOP - BOTTOM
    baseline = float(TOP + plot_height)
    highest = max((p.value for p in points), default=Decimal(0))
    step = _nice_step(highest / 4)
    divisions = max(1, int((highest / step).to_integral_value(rounding=ROUND_CEILING)))
    top_value = step * divisions
    slot = plot_width / max(len(points), 1)
    bars = []
    for i, point in enumerate(points):
        bar_height = round(float(max(point.value, Decimal(0)) / top_value) * plot_height, 2)
        bars.append(
            LinkedBar(
                x=round(LEFT + i * slot + slot * 0.15, 2),
                y=round(baseline - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=bar_height,
                cx=round(LEFT + i * slot + slot / 2, 2),
                label=point.label,
                caption=point.caption,
                href=point.href,
            )
        )
    ticks = [
        AxisTick(y=round(baseline - plot_height * i / divisions, 2), label=axis(step * i))
        for i in range(divisions + 1)
    ]
    return LinkedBarChart(width, height, LEFT, baseline, bars, ticks, all(p.value == 0 for p in points))
