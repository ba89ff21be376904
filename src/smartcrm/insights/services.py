"""Writes: train and store forecasts, detect alerts (idempotently), acknowledge and resolve them."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date

import pandas as pd
from django.db import transaction
from django.utils import timezone

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.engine.anomalies.alerts import Alert as EngineAlert
from smartcrm.engine.anomalies.metric_detector import MetricAnomalyDetector
from smartcrm.engine.anomalies.order_detector import OrderAnomalyDetector
from smartcrm.engine.anomalies.shop import ShopFrames, detect_shop_anomalies
from smartcrm.engine.forecast.series import sales_series
from smartcrm.engine.forecast.shop import ShopForecastSettings, backtest_shop, forecast_shop
from smartcrm.insights import extract
from smartcrm.insights.models import Alert, AlertKind, AlertState, Grain, StoredForecast
from smartcrm.insights.signals import alert_created
from smartcrm.intelligence import registry
from smartcrm.intelligence.models import ModelKind, ModelVersion
from smartcrm.orders.models import Order

Progress = Callable[[str], None]
ENGINE_FORECAST = "smartcrm.engine.forecast.EnsembleForecaster"
ENGINE_ANOMALIES = "smartcrm.engine.anomalies (MetricAnomalyDetector + OrderAnomalyDetector)"


def on_alert_created(alert_id: int) -> None:
    """The hook for a newly stored alert: sends :data:`smartcrm.insights.signals.alert_created`.

    Called after the storing transaction commits; webhooks (or anything else) subscribe with
    ``alert_created.connect(receiver)`` and receive ``alert_id``.
    """
    alert_created.send(sender=Alert, alert_id=alert_id)


def _noop(_: str) -> None:
    return None


def train_forecast(
    *,
    actor: Actor,
    grain: str = Grain.DAY,
    as_of: date | None = None,
    horizon: int | None = None,
    top_products: int = 5,
    n_windows: int = 3,
    progress: Progress = _noop,
) -> ModelVersion:
    """Backtest, fit and store the forecast of every sales series at ``grain``; register the version.

    Re-running for the same grain replaces that grain's stored periods (idempotent).
    """
    if grain not in Grain.values:
        raise ServiceValidationError({"grain": f"Choose one of {', '.join(Grain.values)}."})
    as_of = as_of or timezone.localdate()
    progress("extract")
    orders, lines, products = extract.sales_frames(as_of)
    series = sales_series(
        orders,
        lines,
        products,
        grain=grain,
        top_products=top_products,
        end=pd.Timestamp(as_of) + pd.Timedelta(days=1),
    )
    settings = ShopForecastSettings(grain=grain, horizon=horizon, n_windows=n_windows)
    if series.empty or series.groupby("unique_id").size().min() < 2 * settings.steps + 4:
        raise ServiceValidationError(
            {"grain": f"Not enough {grain}ly sales history to forecast {settings.steps} ahead."}
        )
    progress("backtest")
    backtest = backtest_shop(series, settings)
    progress("forecast")
    forecast = forecast_shop(series, settings)
    metrics = {
        "grain": grain,
        "horizon": settings.steps,
        "series": int(series["unique_id"].nunique()),
        "backtest_mase_total_revenue": _metric(backtest, "revenue/total/all", "mase"),
        "backtest_mase_mean": round(float(backtest["mase"].mean()), 4),
        "backtest_coverage_80": round(float(backtest["coverage_80"].mean()), 4),
        "backtest_coverage_95": round(float(backtest["coverage_95"].mean()), 4),
        "reconciliation": settings.reconciliation,
    }
    artifact = json.dumps({"settings": asdict(settings), "metrics": metrics}, sort_keys=True).encode()
    progress("store")
    with transaction.atomic():
        version = registry.register(
            registry.TrainingRecord(
                kind=ModelKind.FORECAST,
                artifact=artifact,
                engine=ENGINE_FORECAST,
                trained_as_of=as_of,
                data_hash=registry.data_hash(series[["unique_id", "ds", "y"]]),
                metrics=metrics,
                feature_schema={"series": sorted(series["unique_id"].unique().tolist())},
                training_window_start=pd.Timestamp(series["ds"].min()).date(),
            ),
            actor=actor,
        )
        StoredForecast.objects.filter(grain=grain).delete()
        StoredForecast.objects.bulk_create(
            StoredForecast(
                series_key=row.unique_id,
                metric=row.metric,
                level=row.level,
                grain=grain,
                day=pd.Timestamp(row.ds).date(),
                mean=float(row.mean),
                lo_80=float(row.lo_80),
                hi_80=float(row.hi_80),
                lo_95=float(row.lo_95),
                hi_95=float(row.hi_95),
                model_version=version,
            )
            for row in forecast.itertuples()
        )
    return version


def _metric(frame: pd.DataFrame, series_key: str, column: str) -> float | None:
    row = frame[frame["unique_id"] == series_key]
    return None if row.empty else round(float(row[column].iloc[0]), 4)


def detect_alerts(
    *, actor: Actor, as_of: date | None = None, since: date | None = None, progress: Progress = _noop
) -> int:
    """Run both detectors on the shop's history and store alerts not stored before; return how many.

    Idempotent: an alert's key (metric + first day, or order id) is unique, so a re-run adds only
    what is new. Each new alert calls :func:`on_alert_created` once the transaction commits.
    """
    as_of = as_of or timezone.localdate()
    progress("extract")
    frames = extract.anomaly_frames(as_of)
    if frames["orders"].empty:
        return 0
    progress("detect")
    found = detect_shop_anomalies(
        ShopFrames(
            orders=frames["orders"],
            lines=frames["lines"],
            customers=frames["customers"],
            refunds=frames["refunds"],
            tickets=frames["tickets"],
            feedback=frames["feedback"] if not frames["feedback"].empty else None,
        ),
        since=since,
    )
    progress("store")
    with transaction.atomic():
        _register_detector(actor, as_of, frames["orders"], found)
        existing = set(Alert.objects.filter(key__in=[a.key for a in found]).values_list("key", flat=True))
        known_orders = set(
            Order.objects.filter(pk__in=[a.order_id for a in found if a.order_id]).values_list(
                "pk", flat=True
            )
        )
        new = [_row(a, known_orders) for a in found if a.key not in existing]
        created = Alert.objects.bulk_create(new)
        if created:
            audit.record(
                actor,
                AuditAction.DETECT_ALERTS,
                object_type="insights.alert",
                changes={"created": len(created)},
            )
        ids = [a.pk for a in Alert.objects.filter(key__in=[a.key for a in new]).only("pk")]
        for alert_id in ids:
            transaction.on_commit(functools.partial(on_alert_created, alert_id))
    return len(created)


def _register_detector(
    actor: Actor, as_of: date, orders: pd.DataFrame, found: list[EngineAlert]
) -> ModelVersion:
    """Record the run on the model card: detector settings and what it found."""
    settings = {
        "metric": {
            "day_threshold": MetricAnomalyDetector().day_threshold,
            "run_threshold": MetricAnomalyDetector().run_threshold,
        },
        "order": {"alerts_per_month": OrderAnomalyDetector().alerts_per_month},
    }
    metrics = {
        "alerts_found": len(found),
        "metric_alerts": sum(1 for a in found if a.kind == "metric"),
        "order_alerts": sum(1 for a in found if a.kind == "order"),
        "orders_scored": len(orders),
    }
    return registry.register(
        registry.TrainingRecord(
            kind=ModelKind.ANOMALIES,
            artifact=json.dumps({"settings": settings}, sort_keys=True).encode(),
            engine=ENGINE_ANOMALIES,
            trained_as_of=as_of,
            data_hash=registry.data_hash(orders[["id", "total"]]),
            metrics=metrics,
            feature_schema=settings,
        ),
        actor=actor,
    )


def _row(alert: EngineAlert, known_orders: set[int]) -> Alert:
    return Alert(
        key=alert.key,
        kind=AlertKind.ORDER if alert.kind == "order" else AlertKind.METRIC,
        metric=alert.metric,
        first_day=alert.first_day,
        last_day=alert.last_day,
        order_id=alert.order_id if alert.order_id in known_orders else None,
        severity=alert.severity,
        score=alert.score,
        explanation=alert.explanation,
        details=alert.details,
    )


def _get(alert_id: int) -> Alert:
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFoundError(f"alert {alert_id}")
    return alert


@transaction.atomic
def acknowledge_alert(*, alert_id: int, actor: Actor) -> Alert:
    """Someone is looking at it. Acknowledging twice is a no-op; a resolved alert stays resolved."""
    alert = _get(alert_id)
    if alert.state != AlertState.OPEN:
        return alert
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_by = audit.user_of(actor)
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
    audit.record(
        actor, AuditAction.ACKNOWLEDGE_ALERT, alert, changes={"state": {"from": "open", "to": alert.state}}
    )
    return alert


@transaction.atomic
def resolve_alert(*, alert_id: int, actor: Actor) -> Alert:
    """Done with it. Resolving a resolved alert is a no-op."""
    alert = _get(alert_id)
    if alert.state == AlertState.RESOLVED:
        return alert
    before = alert.state
    alert.state = AlertState.RESOLVED
    alert.resolved_by = audit.user_of(actor)
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["state", "resolved_by", "resolved_at"])
    audit.record(
        actor, AuditAction.RESOLVE_ALERT, alert, changes={"state": {"from": before, "to": alert.state}}
    )
    return alert
