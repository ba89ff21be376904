"""Forecasts and alerts: the insights page, the dashboard panel, acknowledge and resolve."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError
from smartcrm.insights import selectors, services
from smartcrm.insights.models import AlertState, Grain
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forecast_chart import forecast_chart

DEFAULT_SERIES = "revenue/total/all"


def _context(request: HttpRequest) -> dict[str, object]:
    grain = request.GET.get("grain", "")
    if grain not in Grain.values:
        grain = selectors.default_grain()
    keys = selectors.series_keys(grain=grain)
    key = request.GET.get("series", DEFAULT_SERIES)
    if key not in keys:
        key = DEFAULT_SERIES if DEFAULT_SERIES in keys else (keys[0] if keys else "")
    rows = list(selectors.forecasts(grain=grain, series_key=key)) if key else []
    state = request.GET.get("state", AlertState.OPEN)
    if state not in AlertState.values:
        state = ""
    return {
        "grain": grain,
        "grains": Grain.choices,
        "series": key,
        "series_keys": keys,
        "rows": rows,
        "chart": forecast_chart(rows),
        "alerts": list(selectors.alerts(state=state)[:50]),
        "state": state,
        "states": AlertState.choices,
        "version": registry.active_version(ModelKind.FORECAST),
        "can_edit": request.user.can(Capability.HANDLE_ALERTS),  # type: ignore[union-attr]
    }


@capability_required(Capability.VIEW_INSIGHTS)
def insights_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/insights/page.html", _context(request))


@capability_required(Capability.VIEW_INSIGHTS)
def insights_panel(request: HttpRequest) -> HttpResponse:
    """The dashboard's forecast-and-alerts card, loaded by htmx after the page."""
    return render(request, "web/insights/_panel.html", _context(request))


@require_POST
@capability_required(Capability.HANDLE_ALERTS)
def alert_action(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    try:
        if action == "acknowledge":
            services.acknowledge_alert(alert_id=alert_id, actor=current_user(request))
        elif action == "resolve":
            services.resolve_alert(alert_id=alert_id, actor=current_user(request))
        else:
            raise Http404("No such action")
    except NotFoundError as exc:
        raise Http404("No such alert") from exc
    return redirect("web:insights")
