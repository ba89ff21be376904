"""The role dashboards' charts and links: every figure and bar leads to the list of the records
behind it, the existing lists with their query-string filters (the inbox, the pipeline board,
the customers, a campaign's results)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartcrm.readmodels.marketing_dashboard import MarketingDashboard
from smartcrm.readmodels.sales_dashboard import SalesDashboard
from smartcrm.readmodels.support_dashboard import SupportDashboard
from smartcrm.support.selectors import ANY_STATUS
from smartcrm.web.charts import ChartPoint, LinkedBarChart, linked_bar_chart
from smartcrm.web.templatetags.web_format import money, money_short


def link(view: str, **query: Any) -> str:
    """The URL of ``view`` with the filters in ``query`` (empty ones left out)."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{reverse(view)}?{urlencode(params)}" if params else reverse(view)


def _count(value: Decimal) -> str:
    return f"{int(value):,}"


def _share(value: Decimal) -> str:
    return f"{float(value):.0%}"


@dataclass(frozen=True)
class SalesView:
    figures: SalesDashboard
    stage_chart: LinkedBarChart
    forecast_link: str
    won_link: str
    at_risk_link: str


def sales_view(d: SalesDashboard) -> SalesView:
    month = d.month.strftime("%Y-%m")
    points = [
        ChartPoint(
            s.name,
            s.value,
            ngettext(
                "%(stage)s: %(count)d deal worth %(value)s",
                "%(stage)s: %(count)d deals worth %(value)s",
                s.deals,
            )
            % {"stage": s.name, "count": s.deals, "value": money(s.value)},
            link("web:pipeline", stage=s.stage_id),
        )
        for s in d.stages
    ]
    return SalesView(
        figures=d,
        stage_chart=linked_bar_chart(points, axis=money_short),
        forecast_link=link("web:pipeline", closing=month),
        won_link=link("web:pipeline", closing=month, stage=d.won_stage_id),
        at_risk_link=link("web:pipeline", at_risk=1),
    )


@dataclass(frozen=True)
class SupportView:
    figures: SupportDashboard
    backlog_chart: LinkedBarChart
    sentiment_chart: LinkedBarChart
    backlog_link: str
    breached_open_link: str
    period_link: str
    breached_period_link: str


def support_view(d: SupportDashboard) -> SupportView:
    period = {"status": ANY_STATUS, "created_from": d.start.isoformat(), "created_to": d.end.isoformat()}
    backlog = [
        ChartPoint(
            p.label,
            Decimal(p.tickets),
            ngettext("%(priority)s: %(count)d open ticket", "%(priority)s: %(count)d open tickets", p.tickets)
            % {"priority": p.label, "count": p.tickets},
            link("web:ticket_inbox", priority=p.priority),
        )
        for p in d.backlog_by_priority
    ]
    sentiment = [
        ChartPoint(
            date_format(w.start, "MONTH_DAY_FORMAT"),
            Decimal(str(round(w.negative_share, 4))),
            _("Week of %(week)s: %(negative)d of %(texts)d tickets negative")
            % {"week": date_format(w.start, "MONTH_DAY_FORMAT"), "negative": w.negative, "texts": w.texts},
            link(
                "web:inbox_urgency",
                status=ANY_STATUS,
                created_from=w.start.isoformat(),
                created_to=w.end.isoformat(),
            ),
        )
        for w in d.sentiment
    ]
    return SupportView(
        figures=d,
        backlog_chart=linked_bar_chart(backlog, axis=_count),
        sentiment_chart=linked_bar_chart(sentiment, axis=_share),
        backlog_link=link("web:ticket_inbox"),
        breached_open_link=link("web:ticket_inbox", sla="breached"),
        period_link=link("web:ticket_inbox", **period),
        breached_period_link=link("web:ticket_inbox", sla="breached", **period),
    )


@dataclass(frozen=True)
class ChurnLink:
    minimum: float
    customers: int
    href: str


@dataclass(frozen=True)
class MarketingView:
    figures: MarketingDashboard
    segment_chart: LinkedBarChart
    churn: list[ChurnLink]
    drift_chart: LinkedBarChart


def marketing_view(d: MarketingDashboard) -> MarketingView:
    segments = [
        ChartPoint(
            s.title,
            Decimal(s.customers),
            ngettext("%(segment)s: %(count)d customer", "%(segment)s: %(count)d customers", s.customers)
            % {"segment": s.title, "count": s.customers},
            link("web:customer_list", segment=s.segment),
        )
        for s in d.segments
    ]
    drift = [
        ChartPoint(
            date_format(p.as_of, "MONTH_DAY_FORMAT"),
            Decimal(p.customers),
            ngettext(
                "Scoring of %(day)s: %(count)d customer started drifting away",
                "Scoring of %(day)s: %(count)d customers started drifting away",
                p.customers,
            )
            % {"day": date_format(p.as_of, "MONTH_DAY_FORMAT"), "count": p.customers},
            link("web:customer_list", segment="at_risk"),
        )
        for p in d.drift
    ]
    return MarketingView(
        figures=d,
        segment_chart=linked_bar_chart(segments, axis=_count),
        churn=[
            ChurnLink(b.minimum, b.customers, link("web:customer_list", churn_min=str(b.minimum)))
            for b in d.churn_bands
        ],
        drift_chart=linked_bar_chart(drift, axis=_count),
    )
