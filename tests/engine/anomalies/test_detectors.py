"""The detectors on planted incidents in a small synthetic shop, and on hand-made series."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.anomalies.daily import daily_metrics
from smartcrm.engine.anomalies.metric_detector import MetricAnomalyDetector
from smartcrm.engine.anomalies.shop import ShopFrames, detect_shop_anomalies
from smartcrm.evaluation.anomalies import score
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.incidents import plant_incidents
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


def _poisson_days(n: int = 200, rate: float = 80.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=n, freq="D")
    orders = rng.poisson(rate, n).astype(float)
    return pd.DataFrame({"orders": orders, "revenue": orders * rng.uniform(45, 55, n)}, index=days)


def test_a_clean_series_raises_no_alert() -> None:
    assert MetricAnomalyDetector().fit(_poisson_days()).alerts() == []


def test_a_three_day_drop_is_one_alert_on_those_days() -> None:
    metrics = _poisson_days()
    hit = metrics.index[150:153]
    metrics.loc[hit, ["orders", "revenue"]] *= 0.4
    alerts = MetricAnomalyDetector().fit(metrics).alerts()
    assert {a.metric for a in alerts} == {"orders", "revenue"}
    for alert in alerts:
        assert alert.first_day <= hit[-1].date() and alert.last_day >= hit[0].date()
        assert alert.last_day <= hit[-1].date() + timedelta(days=2)
        assert "below the expected level" in alert.explanation
        assert alert.severity in ("low", "medium", "high")
    # a surge of sales is not an incident (promotions, the season); fraud is caught per order
    surge = _poisson_days()
    surge.loc[surge.index[150:153], ["orders", "revenue"]] *= 2.5
    assert MetricAnomalyDetector().fit(surge).alerts() == []


def test_the_baseline_never_uses_the_day_it_judges() -> None:
    metrics = _poisson_days()
    before = MetricAnomalyDetector().fit(metrics).scores_.loc["orders"].iloc[:120]
    changed = metrics.copy()
    changed.iloc[120:] *= 5  # the future changes; the past scores must not
    after = MetricAnomalyDetector().fit(changed).scores_.loc["orders"].iloc[:120]
    pd.testing.assert_frame_equal(before, after)


@pytest.fixture(scope="module")
def planted() -> tuple[dict[str, pd.DataFrame], list]:
    tables = ShopGenerator(ShopSpec(n_customers=12_000, seed=11, end=END, days=540)).generate()
    return plant_incidents(tables, seed=11, per_kind=1, warmup_days=120)


def test_planted_incidents_are_found_with_few_false_alerts(
    planted: tuple[dict[str, pd.DataFrame], list],
) -> None:
    tables, incidents = planted
    frames = ShopFrames(
        orders=tables["orders"],
        lines=tables["order_lines"],
        customers=tables["customers"],
        refunds=tables["refunds"],
        tickets=tables["tickets"],
        promotions=tables["promotions"],
    )
    since = pd.to_datetime(tables["orders"]["placed_at"]).min().date() + timedelta(days=120)
    alerts = detect_shop_anomalies(frames, since=since)
    figures = score(alerts, incidents, (END - since).days / 30.44)
    assert figures["recall"] >= 2 / 3
    assert figures["false_alerts_per_month"] <= 1.0
    fraud = next(i for i in incidents if i.kind == "fraud_burst")
    flagged = {a.order_id for a in alerts if a.kind == "order"}
    assert flagged & set(fraud.order_ids)
    order_alert = next(a for a in alerts if a.order_id in fraud.order_ids)
    assert order_alert.explanation.startswith(f"Order {order_alert.order_id}")
    assert order_alert.key == f"order:{order_alert.order_id}"
    # the same input gives the same alerts (keys make storing them idempotent)
    again = detect_shop_anomalies(frames, since=since)
    assert [a.key for a in again] == [a.key for a in alerts]


def test_daily_metrics_need_their_columns() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        daily_metrics(pd.DataFrame({"placed_at": []}))
