"""Anomaly alerts: daily shop metrics against a robust seasonal baseline, and unusual orders.

See ``docs/models/anomalies.md`` for the method, the event-level matching and the figures.
"""

from .alerts import Alert
from .daily import daily_metrics
from .metric_detector import MetricAnomalyDetector
from .order_detector import OrderAnomalyDetector

__all__ = ["Alert", "MetricAnomalyDetector", "OrderAnomalyDetector", "daily_metrics"]
