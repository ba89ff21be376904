"""The server-side revenue chart: round axis steps and bars scaled to them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

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
    assert money(Decimal("10"), "CHF") == "CHF10.00"
    assert money(None) == "—"
    assert money_short(Decimal("5000")) == "$5K"
    assert money_short(Decimal("1250")) == "$1.2K"
    assert money(Decimal("1130439.5")) == "$1,130,439.50"
    assert change(Decimal("110"), Decimal("100")) == "+10.0%"
    assert change(Decimal("5"), Decimal("0")) == ""


def test_money_is_written_for_the_interface_language() -> None:
    with translation.override("zh-hans"):
        assert money(Decimal("1234.5"), "CNY") == "¥1,234.50"
        assert money(Decimal("1234.5")) == "US$1,234.50"  # the shop's currency, USD here
        assert money(Decimal("-12.5"), "CNY") == "-¥12.50"
        assert money_short(Decimal("12345")) == "US$1.2万"
    with translation.override("en"):
        assert money(Decimal("1234.5"), "CNY") == "CN¥1,234.50"
