"""Training and storing forecasts, detecting alerts idempotently, the review states and the hook."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.insights import events, services, training
from smartcrm.insights.models import Alert, AlertState, StoredForecast
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from tests.insights.conftest import END

pytestmark = pytest.mark.django_db


def test_forecast_is_stored_coherent_and_replaced_on_rerun(small_shop: None, admin_user: Any) -> None:
    version = training.train(
        actor=admin_user, grain="month", as_of=END, horizon=3, top_products=1, n_windows=1
    )
    assert registry.active_version(ModelKind.FORECAST) == version
    assert version.metrics["backtest_mase_mean"] > 0
    rows = StoredForecast.objects.filter(grain="month")
    assert rows.filter(series_key="revenue/total/all").count() == 3
    for day in rows.values_list("day", flat=True).distinct():
        total = rows.get(series_key="revenue/total/all", day=day).mean
        parts = rows.filter(metric="revenue", level="category", day=day).aggregate(s=Sum("mean"))["s"]
        assert total == pytest.approx(parts, rel=1e-6)
    assert all(r.lo_95 <= r.lo_80 <= r.mean <= r.hi_80 <= r.hi_95 for r in rows)
    count = rows.count()
    again = training.train(actor=admin_user, grain="month", as_of=END, horizon=3, top_products=1, n_windows=1)
    assert again.version == version.version + 1
    assert StoredForecast.objects.filter(grain="month").count() == count


def test_forecast_refuses_a_shop_without_history(db: Any, admin_user: Any) -> None:
    with pytest.raises(ServiceValidationError):
        training.train(actor=admin_user, grain="month", as_of=END)
    with pytest.raises(ServiceValidationError, match="grain"):
        training.train(actor=admin_user, grain="hour")


def test_detection_is_idempotent_and_announces_each_new_alert(
    small_shop: None, admin_user: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(events, "alert_created", seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.detect_alerts(actor=admin_user, as_of=END)
    assert created == Alert.objects.count()
    assert sorted(seen) == sorted(Alert.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.detect_alerts(actor=admin_user, as_of=END) == 0
    assert len(seen) == created
    assert registry.active_version(ModelKind.ANOMALIES) is not None


def test_acknowledge_then_resolve_is_audited(small_shop: None, admin_user: Any) -> None:
    services.detect_alerts(actor=admin_user, as_of=END)
    alert = Alert.objects.order_by("pk").first()
    if alert is None:  # the small shop had nothing unusual: make one the way detection would
        alert = Alert.objects.create(
            key="metric:revenue:2025-06-01", kind="metric", metric="revenue", first_day=END, last_day=END,
            severity="high", score=9.0, explanation="Revenue was 60% below the expected level.",
        )  # fmt: skip
    acked = services.acknowledge_alert(alert_id=alert.pk, actor=admin_user)
    assert (acked.state, acked.acknowledged_by) == (AlertState.ACKNOWLEDGED, admin_user)
    resolved = services.resolve_alert(alert_id=alert.pk, actor=admin_user)
    assert resolved.state == AlertState.RESOLVED and resolved.resolved_at is not None
    assert services.acknowledge_alert(alert_id=alert.pk, actor=admin_user).state == AlertState.RESOLVED
    actions = set(AuditEvent.objects.filter(object_id=str(alert.pk)).values_list("action", flat=True))
    assert {"acknowledge_alert", "resolve_alert"} <= actions
    with pytest.raises(NotFoundError):
        services.resolve_alert(alert_id=10**9, actor=admin_user)


def test_a_spike_of_negative_texts_raises_a_negative_share_alert(small_shop: None, admin_user: Any) -> None:
    from datetime import UTC, datetime, time, timedelta

    from smartcrm.textanalysis.models import SourceKind, TextAnalysis

    now = datetime.now(UTC)

    def texts(back: int) -> list[TextAnalysis]:
        day = END - timedelta(days=back)
        negatives = 9 if back < 3 else (1 if back % 3 else 2)  # the last three days: a spike
        return [
            TextAnalysis(
                source_kind=SourceKind.REVIEW,
                source_id=back * 10 + i + 1,
                text_created_at=datetime.combine(day, time(12, i), tzinfo=UTC),
                lang="en",
                sentiment="negative" if i < negatives else "positive",
                sentiment_score=-0.8 if i < negatives else 0.7,
                model_version="test",
                analysed_at=now,
            )
            for i in range(10)
        ]

    rows = [row for back in range(240) for row in texts(back)]
    TextAnalysis.objects.bulk_create(rows)
    services.detect_alerts(actor=admin_user, as_of=END)
    alert = Alert.objects.filter(metric="negative_share").order_by("-last_day").first()
    assert alert is not None, list(Alert.objects.values_list("metric", "first_day"))
    assert alert.last_day >= END - timedelta(days=2)
