"""The dashboard's figures: sales, buyers new and returning, and monthly revenue.

They read orders with their customers' first-order dates; the web dashboard compares the last
30 days with the 30 before and charts two years of months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from smartcrm.orders.models import Order
from smartcrm.orders.rules import REVENUE_STATUSES


@dataclass(frozen=True)
class SalesSummary:
    """Figures for one period, compared on the dashboard with the period before."""

    start: datetime
    end: datetime
    revenue: Decimal
    orders: int
    active_customers: int
    new_customers: int
    returning_customers: int

    @property
    def average_order_value(self) -> Decimal:
        return (self.revenue / self.orders).quantize(Decimal("0.01")) if self.orders else Decimal(0)


def sales_summary(start: datetime, end: datetime) -> SalesSummary:
    """Revenue (net of refunds), orders and buyers in [start, end); a buyer is new if their
    first order falls in the period."""
    in_period = Order.objects.filter(status__in=REVENUE_STATUSES, placed_at__gte=start, placed_at__lt=end)
    totals = in_period.aggregate(
        revenue=Sum(F("total") - F("refunded_total")),
        orders=Count("id"),
        buyers=Count("customer_id", distinct=True),
    )
    new = in_period.filter(customer__first_order_at__gte=start).aggregate(
        n=Count("customer_id", distinct=True)
    )["n"]
    buyers = totals["buyers"] or 0
    return SalesSummary(
        start=start,
        end=end,
        revenue=totals["revenue"] or Decimal(0),
        orders=totals["orders"] or 0,
        active_customers=buyers,
        new_customers=new,
        returning_customers=buyers - new,
    )


@dataclass(frozen=True)
class MonthlyRevenue:
    month: date
    revenue: Decimal
    orders: int


def monthly_revenue(*, months: int = 24, now: datetime | None = None) -> list[MonthlyRevenue]:
    """Net revenue and orders per calendar month, oldest first, months without sales included."""
    now = timezone.localtime(now or timezone.now())
    month_index = now.year * 12 + now.month - 1 - (months - 1)
    first = now.replace(
        year=month_index // 12, month=month_index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    rows = (
        Order.objects.filter(status__in=REVENUE_STATUSES, placed_at__gte=first)
        .annotate(month=TruncMonth("placed_at"))
        .values("month")
        .annotate(revenue=Sum(F("total") - F("refunded_total")), orders=Count("id"))
    )
    by_month = {r["month"].date() if isinstance(r["month"], datetime) else r["month"]: r for r in rows}
    result, cursor = [], first.date()
    while cursor <= now.date():
        row = by_month.get(cursor)
        result.append(
            MonthlyRevenue(cursor, row["revenue"] if row else Decimal(0), row["orders"] if row else 0)
        )
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return result
