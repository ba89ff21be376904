"""Train the sales forecast: backtest, fit and store every sales series' forecast at a grain.

``train`` is this app's entry point for training (``smartcrm forecast``, the nightly task); the
anomaly detectors are fitted as part of detecting alerts (:mod:`smartcrm.insights.services`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date

import pandas as pd
from django.db import transaction
from django.utils import timezone

from smartcrm.core.actors import Actor
from smartcrm.core.errors import ServiceValidationError
from smartcrm.engine.forecast.series import sales_series
from smartcrm.engine.forecast.shop import ShopForecastSettings, backtest_shop, forecast_shop
from smartcrm.insights import extract
from smartcrm.insights.models import Grain, StoredForecast
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion

ENGINE_FORECAST = "smartcrm.engine.forecast.EnsembleForecaster"


def train(
    *,
    actor: Actor,
    grain: str = Grain.DAY,
    as_of: date | None = None,
    horizon: int | None = None,
    top_products: int = 5,
    n_windows: int = 3,
    progress: Callable[[str], None] = lambda _stage: None,
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
