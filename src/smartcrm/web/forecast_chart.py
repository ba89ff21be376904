"""The forecast chart: the mean as a line, the 80% and 95% intervals as bands (server-side SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import pgettext

from smartcrm.insights.models import StoredForecast

WIDTH = 960
HEIGHT = 260
LEFT = 64
BOTTOM = 28
TOP = 12


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class ForecastChart:
    width: int
    height: int
    left: int
    line: str  # SVG polyline points
    band_80: str  # SVG polygon points
    band_95: str
    labels: list[Label]
    ticks: list[Tick]
    empty: bool


def _nice(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    for step in (1, 2, 5, 10):
        if value <= magnitude * step:
            return float(magnitude * step)
    return float(magnitude * 10)


def forecast_chart(rows: Sequence[StoredForecast]) -> ForecastChart:
    if not rows:
        return ForecastChart(WIDTH, HEIGHT, LEFT, "", "", "", [], [], True)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = _nice(max(r.hi_95 for r in rows) / 4)
    top = step * 4
    n = len(rows)

    def x(i: int) -> float:
        return round(LEFT + (plot_w * i / max(n - 1, 1)), 2)

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - max(v, 0.0) / top), 2)

    def band(lo: str, hi: str) -> str:
        upper = [f"{x(i)},{y(getattr(r, hi))}" for i, r in enumerate(rows)]
        lower = [f"{x(i)},{y(getattr(r, lo))}" for i, r in reversed(list(enumerate(rows)))]
        return " ".join(upper + lower)

    every = max(1, n // 8)
    # A day as a chart label in the active language ("07 Dec", "12月7日"): a Django date format.
    day_format = pgettext("date format of a chart's day label", "d M")
    return ForecastChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        line=" ".join(f"{x(i)},{y(r.mean)}" for i, r in enumerate(rows)),
        band_80=band("lo_80", "hi_80"),
        band_95=band("lo_95", "hi_95"),
        labels=[Label(x(i), date_format(r.day, day_format)) for i, r in enumerate(rows) if i % every == 0],
        ticks=[Tick(y(step * i), step * i) for i in range(5)],
        empty=False,
    )
