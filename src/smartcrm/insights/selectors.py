"""Reads: stored forecasts by series, alerts by state/kind/severity, the forecast model card."""

from __future__ import annotations

from django.db.models import QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.insights.models import Alert, Grain, StoredForecast


def forecasts(
    *, grain: str = "day", series_key: str = "", metric: str = "", level: str = ""
) -> QuerySet[StoredForecast]:
    qs = StoredForecast.objects.select_related("model_version").filter(grain=grain)
    if series_key:
        qs = qs.filter(series_key=series_key)
    if metric:
        qs = qs.filter(metric=metric)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("series_key", "day")


def default_grain() -> str:
    """The finest grain that has a stored forecast (day, then week, then month); day if none."""
    stored = set(StoredForecast.objects.values_list("grain", flat=True).distinct())
    return next((grain for grain in (Grain.DAY, Grain.WEEK, Grain.MONTH) if grain in stored), Grain.DAY)


def series_keys(*, grain: str = "day") -> list[str]:
    return list(
        StoredForecast.objects.filter(grain=grain)
        .values_list("series_key", flat=True)
        .distinct()
        .order_by("series_key")
    )


def alerts(*, state: str = "", kind: str = "", severity: str = "") -> QuerySet[Alert]:
    qs = Alert.objects.select_related("order", "acknowledged_by", "resolved_by")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    return qs.order_by("-first_day", "-id")


def alert(alert_id: int) -> Alert:
    found = alerts().filter(pk=alert_id).first()
    if found is None:
        raise NotFoundError(f"alert {alert_id}")
    return found


def alert_page(
    *, page: int = 1, size: int = 50, state: str = "", kind: str = "", severity: str = ""
) -> Page[Alert]:
    return paginate(alerts(state=state, kind=kind, severity=severity), number=page, size=size)


def forecast_page(
    *,
    page: int = 1,
    size: int = 50,
    grain: str = "day",
    series_key: str = "",
    metric: str = "",
    level: str = "",
) -> Page[StoredForecast]:
    return paginate(
        forecasts(grain=grain, series_key=series_key, metric=metric, level=level), number=page, size=size
    )
