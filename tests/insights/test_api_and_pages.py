"""The forecasts and alerts API (validated against the OpenAPI document) and the insights pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.insights.models import Alert, StoredForecast
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(db: Any) -> Alert:
    for i, key in enumerate(("revenue/total/all", "revenue/category/Books")):
        for d in range(1, 4):
            StoredForecast.objects.create(
                series_key=key, metric="revenue", level="total" if i == 0 else "category", grain="day",
                day=date(2025, 7, d), mean=100.0 + d,
                lo_80=90.0, hi_80=110.0 + d, lo_95=80.0, hi_95=120.0 + d,
            )  # fmt: skip
    return Alert.objects.create(
        key="metric:revenue:2025-06-03", kind="metric", metric="revenue", first_day=date(2025, 6, 3),
        last_day=date(2025, 6, 5), severity="high", score=8.2,
        explanation="Revenue was 61% below the expected level <script>x</script>",
    )  # fmt: skip


def test_forecast_list_filters_by_series(admin_api: ApiClient, stored: Alert) -> None:
    body = admin_api.get("/forecasts?series_key=revenue/total/all").json()
    assert [row["day"] for row in body["items"]] == ["2025-07-01", "2025-07-02", "2025-07-03"]
    assert body["items"][0]["lo_80"] == 90.0
    assert (
        admin_api.get("/forecasts?level=category").json()["items"][0]["series_key"]
        == "revenue/category/Books"
    )


def test_alerts_list_acknowledge_resolve(admin_api: ApiClient, stored: Alert) -> None:
    items = admin_api.get("/alerts?state=open").json()["items"]
    assert [a["id"] for a in items] == [stored.pk]
    assert admin_api.post(f"/alerts/{stored.pk}/acknowledge").json()["state"] == "acknowledged"
    assert admin_api.get("/alerts?state=open").json()["items"] == []
    assert admin_api.post(f"/alerts/{stored.pk}/resolve").json()["state"] == "resolved"
    assert admin_api.get(f"/alerts/{stored.pk}").json()["resolved_at"] is not None
    assert admin_api.post("/alerts/999999/resolve").status_code == 404


def test_roles_are_checked(
    api_as: Callable[[Role], ApiClient], anonymous_api: ApiClient, stored: Alert
) -> None:
    analyst = api_as(Role.ANALYST)
    assert analyst.get("/alerts").status_code == 200
    assert analyst.post(f"/alerts/{stored.pk}/acknowledge").status_code == 403
    assert anonymous_api.get("/forecasts").status_code == 401


def test_insights_page_shows_chart_and_escapes_alert_text(admin_user: Any, stored: Alert) -> None:
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("web:insights"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<polygon" in html and "<polyline" in html
    assert "&lt;script&gt;" in html and "<script>x</script>" not in html
    client.post(reverse("web:alert_action", args=[stored.pk, "acknowledge"]))
    stored.refresh_from_db()
    assert stored.state == "acknowledged"
    panel = client.get(reverse("web:insights_panel"))
    assert panel.status_code == 200 and "Forecast and alerts" in panel.content.decode()
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:insights_panel") in dashboard
