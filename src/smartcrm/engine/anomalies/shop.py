"""Run both detectors on a shop's frames: the one entry point the evaluation and the product share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .alerts import Alert
from .daily import daily_metrics
from .metric_detector import MetricAnomalyDetector
from .order_detector import OrderAnomalyDetector, order_features


@dataclass
class ShopFrames:
    """The frames the detectors read (see :func:`.daily.daily_metrics` and :func:`.order_features`)."""

    orders: pd.DataFrame
    lines: pd.DataFrame
    customers: pd.DataFrame | None = None
    refunds: pd.DataFrame | None = None
    tickets: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    promotions: pd.DataFrame | None = None  # starts_on, ends_on


def promotion_days(promotions: pd.DataFrame | None) -> pd.DatetimeIndex:
    if promotions is None or promotions.empty:
        return pd.DatetimeIndex([])
    spans = [pd.date_range(p.starts_on, p.ends_on, freq="D") for p in promotions.itertuples()]
    return pd.DatetimeIndex(sorted({d for span in spans for d in span}))


def detect_shop_anomalies(
    frames: ShopFrames,
    *,
    since: date | None = None,
    metric_detector: MetricAnomalyDetector | None = None,
    order_detector: OrderAnomalyDetector | None = None,
) -> list[Alert]:
    """Every metric and order alert from ``since`` on (all history when not given)."""
    metrics = daily_metrics(frames.orders, frames.refunds, frames.tickets, frames.feedback)
    metric_model = (metric_detector or MetricAnomalyDetector()).fit(
        metrics, promotion_days(frames.promotions)
    )
    live = frames.orders[frames.orders["status"].astype(str) != "cancelled"]
    features = order_features(live, frames.lines, frames.customers)
    order_model = (order_detector or OrderAnomalyDetector()).fit(features)
    return metric_model.alerts(since) + order_model.alerts(features, since)
