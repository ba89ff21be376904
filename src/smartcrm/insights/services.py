"""Writes: detect alerts (idempotently), acknowledge and resolve them (training the forecast is in
:mod:`smartcrm.insights.training`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pandas as pd
from django.db import transaction
from django.utils import timezone

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError
from smartcrm.engine.anomalies.alerts import Alert as EngineAlert
from smartcrm.engine.anomalies.metric_detector import MetricAnomalyDetector
from smartcrm.engine.anomalies.order_detector import OrderAnomalyDetector
from smartcrm.engine.anomalies.shop import ShopFrames, detect_shop_anomalies
from smartcrm.insights import events, extract
from smartcrm.insights.models import Alert, AlertKind, AlertState
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.orders.models import Order

Progress = Callable[[str], None]
ENGINE_ANOMALIES = "smartcrm.engine.anomalies (MetricAnomalyDetector + OrderAnomalyDetector)"


def _noop(_: str) -> None:
    return None


def detect_alerts(
    *, actor: Actor, as_of: date | None = None, since: date | None = None, progress: Progress = _noop
) -> int:
    """Run both detectors on the shop's history and store alerts not stored before; return how many.

    Idempotent: an alert's key (metric + first day, or order id) is unique, so a re-run adds only
    what is new. Each new alert is announced (:func:`smartcrm.insights.events.alert_created`):
    its webhook goes out once the transaction commits.
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
            events.alert_created(alert_id)
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
        explanation_data=alert.reason.as_json() if alert.reason else {},
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
