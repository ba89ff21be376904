"""Forecasts and anomaly alerts: list stored forecasts, list/filter alerts, acknowledge, resolve."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import PageMeta, PageQuery, Text200, page_response
from smartcrm.insights import selectors, services
from smartcrm.insights.models import Alert, AlertKind, AlertState, Grain, Severity
from smartcrm.intelligence.wording import explained

forecasts_router = Router(tags=["insights"])
alerts_router = Router(tags=["insights"])


class ForecastQuery(PageQuery):
    grain: Grain = Grain.DAY
    series_key: Text200 = Field("", description="e.g. `revenue/total/all` or `orders/category/Books`")
    metric: Literal["", "revenue", "orders"] = ""
    level: Literal["", "total", "category", "product"] = ""


class ForecastOut(Schema):
    series_key: str
    metric: str
    level: str
    grain: str
    day: date
    mean: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float
    model_version: int | None = Field(None, description="Forecast model version number")

    @staticmethod
    def resolve_model_version(obj: Any) -> int | None:
        return obj.model_version.version if obj.model_version_id else None


class ForecastPage(PageMeta):
    items: list[ForecastOut]


class AlertQuery(PageQuery):
    state: AlertState | None = None
    kind: AlertKind | None = None
    severity: Severity | None = None


class AlertOut(Schema):
    id: int
    kind: AlertKind
    metric: str
    first_day: date
    last_day: date
    order_id: int | None
    severity: Severity
    score: float
    explanation: str = Field(description="Why it is unusual, in the request's language")
    explanation_code: str = Field(
        description="The explanation's template id (stable, e.g. alert.metric, alert.order); empty for "
        "alerts found before codes were kept"
    )
    state: AlertState
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_explanation(obj: Alert) -> str:
        return explained(obj.explanation_data, obj.explanation)

    @staticmethod
    def resolve_explanation_code(obj: Alert) -> str:
        return str((obj.explanation_data or {}).get("code", ""))


class AlertPage(PageMeta):
    items: list[AlertOut]


@forecasts_router.get("", response={200: ForecastPage, **READ_ERRORS}, summary="List stored forecasts")
@needs(Capability.VIEW_INSIGHTS)
def list_forecasts(request: HttpRequest, query: Query[ForecastQuery]) -> dict[str, Any]:
    page = selectors.forecast_page(
        page=query.page,
        size=query.page_size,
        grain=query.grain,
        series_key=query.series_key,
        metric=query.metric,
        level=query.level,
    )
    return page_response(page)


@alerts_router.get("", response={200: AlertPage, **READ_ERRORS}, summary="List alerts")
@needs(Capability.VIEW_INSIGHTS)
def list_alerts(request: HttpRequest, query: Query[AlertQuery]) -> dict[str, Any]:
    page = selectors.alert_page(
        page=query.page,
        size=query.page_size,
        state=query.state or "",
        kind=query.kind or "",
        severity=query.severity or "",
    )
    return page_response(page)


@alerts_router.get("/{alert_id}", response={200: AlertOut, **ONE_ERRORS}, summary="One alert")
@needs(Capability.VIEW_INSIGHTS)
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert(alert_id)


@alerts_router.post(
    "/{alert_id}/acknowledge", response={200: AlertOut, **WRITE_ERRORS}, summary="Acknowledge"
)
@needs(Capability.HANDLE_ALERTS)
def acknowledge(request: HttpRequest, alert_id: int) -> Alert:
    user = require_user(request)
    return services.acknowledge_alert(alert_id=alert_id, actor=user)


@alerts_router.post("/{alert_id}/resolve", response={200: AlertOut, **WRITE_ERRORS}, summary="Resolve")
@needs(Capability.HANDLE_ALERTS)
def resolve(request: HttpRequest, alert_id: int) -> Alert:
    user = require_user(request)
    return services.resolve_alert(alert_id=alert_id, actor=user)
