"""The server-side revenue chart: round axis steps and bars scaled to them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from smartcrm.readmodels.dashboard import MonthlyRevenue
from smartcrm.web.charts import revenue_chart
from smartcrm.web.templatetags.web_format import change, money, money_short


def _months(*values: str) -> list[MonthlyRevenue]:
    return [MonthlyRevenue(date(2025, i + 1, 1), Decimal(v), 1) for i, v in enumerate(values)]


def test_axis_uses_round_steps_and_bars_scale_to_it() -> None:
    chart = revenue_chart(_months("3700", "1850", "0"))
    assert [t.value for t in chart.ticks] == [0, 1000, 2000, 3000, 4000]
    full = chart.baseline - chart.ticks[-1].y
    assert chart.bars[0].height == round(full * 3700 / 4000, 2)
    assert chart.bars[2].height == 0
    assert [b.label for b in chart.bars] == ["Jan 25", "Feb 25", "Mar 25"]
    assert not chart.empty


def test_no_sales_is_an_empty_chart_not_an_error() -> None:
    chart = revenue_chart(_months("0", "0"))
    assert chart.empty
    assert all(b.height == 0 for b in chart.bars)


def test_money_formats() -> None:
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("10"), "EUR") == "€10.00"
    assert money(Decimal("10"), "CHF") == "10.00 CHF"
    assert money(None) == "—"
    assert money_short(Decimal("5000")) == "$5k"
    assert money_short(Decimal("1250")) == "$1.2k"
    assert change(Decimal("110"), Decimal("100")) == "+10.0%"
    assert change(Decimal("5"), Decimal("0")) == ""
