"""The dashboard: the last 30 days against the 30 before, and two years of monthly revenue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.accounts.roles import Capability
from smartcrm.intelligence.selectors import segment_summary
from smartcrm.readmodels.dashboard import monthly_revenue, sales_summary
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.charts import revenue_chart

PERIOD = timedelta(days=30)
CHART_MONTHS = 24


@dataclass(frozen=True)
class Kpi:
    label: str
    value: Decimal | int
    previous: Decimal | int
    is_money: bool = False
    hint: str = ""


@capability_required(Capability.VIEW_ORDERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    current = sales_summary(now - PERIOD, now)
    previous = sales_summary(now - 2 * PERIOD, now - PERIOD)
    kpis = [
        Kpi(_("Revenue"), current.revenue, previous.revenue, is_money=True, hint=_("Net of refunds")),
        Kpi(_("Orders"), current.orders, previous.orders),
        Kpi(_("Average order value"), current.average_order_value, previous.average_order_value, True),
        Kpi(_("Active customers"), current.active_customers, previous.active_customers, hint=_("Bought")),
        Kpi(_("New customers"), current.new_customers, previous.new_customers, hint=_("First order")),
        Kpi(
            _("Returning customers"),
            current.returning_customers,
            previous.returning_customers,
            hint=_("Bought before"),
        ),
    ]
    chart = revenue_chart(monthly_revenue(months=CHART_MONTHS, now=now))
    return render(
        request,
        "web/dashboard.html",
        {
            "kpis": kpis,
            "chart": chart,
            "period_start": current.start,
            "period_end": current.end,
            "segments": segment_summary() if current_user(request).can(Capability.VIEW_CUSTOMERS) else [],
        },
    )
